#!/usr/bin/python3
"""Summarise gcov files (scripts/coverage.sh): line coverage per source file, and every
ereport/elog(ERROR) site no test executed, as file:line, SQLSTATE, start of the message."""
import glob
import os
import re
import sys

ERROR_CALL = re.compile(r'\b(ereport|elog)\s*\(\s*ERROR\b')
NEXT_CALL = re.compile(r'\b(ereport|elog)\s*\(')
UNHIT = ('#####', '=====')


def parse(path):
    """[(count, line number, text)] of one .gcov file; count '-' for no code."""
    rows = []
    for raw in open(path, errors='replace'):
        parts = raw.rstrip('\n').split(':', 2)
        if len(parts) == 3 and parts[1].strip() != '0':
            rows.append((parts[0].strip().rstrip('*'), parts[1].strip(), parts[2]))
    return rows


def first(pattern, rows, start):
    """The first match in the call that begins at rows[start]: its next 8 lines,
    up to the next ereport/elog (an elog followed by an ereport is not given
    the ereport's SQLSTATE and message)."""
    for k, (_, _, text) in enumerate(rows[start:start + 8]):
        if k and NEXT_CALL.search(text):
            break
        m = re.search(pattern, text)
        if m:
            return m.group(1)
    return ''


def main(folder):
    total = hit = sites = reached = 0
    per_file, missed = [], []
    for path in sorted(glob.glob(os.path.join(folder, '*.c.gcov'))):
        rows = parse(path)
        name = os.path.basename(path)[:-len('.gcov')]
        code = [c for c, _, _ in rows if c != '-']
        done = sum(c not in UNHIT for c in code)
        total, hit = total + len(code), hit + done
        per_file.append((done / max(1, len(code)), name, done, len(code)))
        for i, (count, line, text) in enumerate(rows):
            if not ERROR_CALL.search(text):
                continue
            j = i            # a call spread over lines: the first line with a count
            while count == '-' and j + 1 < len(rows) and j < i + 3:
                j += 1
                count = rows[j][0]
            sites += 1
            if count not in UNHIT:
                reached += 1
                continue
            msg = first(r'errmsg(?:_internal)?\("((?:[^"\\]|\\.)*)', rows, i) or first(r'elog\(ERROR,\s*"((?:[^"\\]|\\.)*)', rows, i)
            missed.append(f'{name}:{line}\t{first(r"errcode[(](ERRCODE_[A-Z_]+)", rows, i) or "XX000"}\t{msg}')
    print(f'lines executed: {hit} of {total} ({100 * hit / max(1, total):.1f}%)')
    print(f'ERROR sites reached: {reached} of {sites}; never reached: {sites - reached}')
    print('\nleast covered files:')
    for share, name, done, n in sorted(per_file)[:15]:
        print(f'  {name}: {done}/{n} ({100 * share:.1f}%)')
    print('\nERROR sites no test reached (file:line, SQLSTATE, message):')
    print('\n'.join(missed))


if __name__ == '__main__':
    main(sys.argv[1] if len(sys.argv) > 1 else '.')
