# Sourced by bench scripts' report parts: figures of two tools side by side.
# ratio A B: A/B as "0.42x" (n/a when either is missing or B is 0)
ratio() { /usr/bin/python3 -c "import sys
a,b=sys.argv[1],sys.argv[2]
print('n/a' if not a or not b or float(b)==0 else '%.2fx' % (float(a)/float(b)))" "$1" "$2"; }
# diff4 A B: A - B with a sign and 4 decimals (n/a when either is missing)
diff4() { /usr/bin/python3 -c "import sys
a,b=sys.argv[1],sys.argv[2]
print('%+.4f' % (float(a)-float(b)) if a and b else 'n/a')" "$1" "$2"; }
