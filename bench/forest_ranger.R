# ranger baseline for bench/forest.sh (Debian's r-cran-ranger).
#   Rscript bench/forest_ranger.R FILE.csv cls|reg SEED PREFIX [mtry]
# ranger(num.trees = 100, num.threads = 2, defaults, seed = SEED; mtry if
# given) on the rows with is_test = 0 (probability forest for
# classification), scored on the rows with is_test = 1; prints key=value
# lines prefixed with PREFIX.  Memory and CPU time come from
# bench/lib/procmem.sh on this process ("start" after loading, "end" after
# training), as for the other tools.
suppressMessages(library(ranger))
args <- commandArgs(trailingOnly = TRUE)
prefix <- args[4]
procmem <- file.path(dirname(normalizePath(sub("^--file=", "", grep("^--file=", commandArgs(FALSE), value = TRUE)))), "lib", "procmem.sh")
mem <- function(phase) { flush(stdout()); system2(procmem, c(Sys.getpid(), shQuote(prefix), phase)) }
d <- read.csv(args[1], colClasses = c(y = if (args[2] == "cls") "character" else "numeric"))
tr <- d[d$is_test == 0, setdiff(names(d), "is_test")]
te <- d[d$is_test == 1, setdiff(names(d), "is_test")]
rm(d)
if (args[2] == "cls") { tr$y <- factor(tr$y); te$y <- factor(te$y, levels = levels(tr$y)) }
mtry <- if (length(args) >= 5) as.integer(args[5]) else NULL
mem("start")
t0 <- proc.time()[["elapsed"]]
m <- ranger(y ~ ., data = tr, num.trees = 100, num.threads = 2, seed = as.integer(args[3]),
            probability = (args[2] == "cls"), mtry = mtry)
train_s <- proc.time()[["elapsed"]] - t0
mem("end")
size <- length(serialize(m, NULL))
p <- predict(m, te, num.threads = 2)$predictions
out <- c(train_s = train_s, model_bytes = size, mtry = m$mtry)
auc1 <- function(s, pos) {
  r <- rank(s); np <- as.numeric(sum(pos)); nn <- as.numeric(length(pos)) - np
  (sum(r[pos]) - np * (np + 1) / 2) / (np * nn)
}
if (args[2] == "cls") {
  lv <- levels(tr$y)
  pred <- factor(lv[max.col(p, ties.method = "first")], levels = lv)
  out["accuracy"] <- mean(pred == te$y)
  f1 <- sapply(lv, function(l) {
    tp <- sum(pred == l & te$y == l); fp <- sum(pred == l & te$y != l); fn <- sum(pred != l & te$y == l)
    pr <- if (tp + fp > 0) tp / (tp + fp) else 0; rc <- if (tp + fn > 0) tp / (tp + fn) else 0
    if (pr + rc > 0) 2 * pr * rc / (pr + rc) else 0 })
  out["f1_macro"] <- mean(f1)
  out["auc"] <- if (length(lv) == 2) auc1(p[, 2], te$y == lv[2]) else mean(sapply(seq_along(lv), function(k) auc1(p[, k], te$y == lv[k])))
} else {
  out["r2"] <- 1 - sum((te$y - p)^2) / sum((te$y - mean(te$y))^2)
}
cat(prefix, paste0(names(out), "=", format(out, digits = 6, scientific = FALSE, trim = TRUE), collapse = " "), "\n")
