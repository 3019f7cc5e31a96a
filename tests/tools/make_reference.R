#!/usr/bin/env Rscript
# Reference values of robstat's location and scale estimators, computed by R.
#
#   Usage (from the repository root):  Rscript tests/tools/make_reference.R
#
# Writes tests/data/reference_location_scale.csv, read by
# tests/cpp/test_reference.cpp.  Each case (input vector) starts with one
# "input" row holding the vector, followed by one row per (statistic, parameter):
#
#   case        name of the input vector
#   n           its length
#   statistic   input | median | trimmed_mean | quantile | mad_raw | iqr | winsorized_mean
#   p1, p2      parameters (empty when unused):
#                 trimmed_mean, winsorized_mean: p1 = lower, p2 = upper proportion
#                 quantile: p1 = probability (type 7)
#   expected    R's result (empty on the input row)
#   x           on the input row: the input vector, values separated by single
#               spaces; empty on the other rows (the vector is written once to
#               keep the file small)
#
# What R computes (robstat's conventions; g = floor(n * p) values per tail):
#   median           median(x)
#   trimmed_mean     mean(x, trim = p) when lower == upper (R returns the median
#                    for p >= 0.5); for lower != upper the mean of
#                    sort(x)[(g_lo + 1):(n - g_hi)]
#   quantile         quantile(x, q, type = 7)   (NumPy "linear")
#   mad_raw          mad(x, constant = 1)       (raw MAD about the median)
#   iqr              IQR(x, type = 7)
#   winsorized_mean  mean of sort(x) with the g_lo lowest values replaced by
#                    the (g_lo + 1)-th smallest and the g_hi highest by the
#                    (n - g_hi)-th smallest
#
# Every number is written with sprintf("%.17g"), so it reads back as exactly
# the same double; non-finite values are written as Inf, -Inf and NaN (R's NA
# is written as NaN).  The output is deterministic: the random cases use a
# fixed seed and an explicitly named generator, and running the script twice
# gives byte-identical files (for a given R version).

options(warn = 2)   # any warning is an error: no silent coercion
RNGkind(kind = "Mersenne-Twister", normal.kind = "Inversion", sample.kind = "Rejection")

## Locate the repository root: the directory two levels above this script.
script_path <- local({
    args <- commandArgs(trailingOnly = FALSE)
    f <- sub("^--file=", "", args[grep("^--file=", args)])
    if (length(f) == 1L) normalizePath(f) else NA_character_
})
repo_root <- if (!is.na(script_path)) {
    normalizePath(file.path(dirname(script_path), "..", ".."))
} else {
    normalizePath(".")
}
data_dir <- file.path(repo_root, "data")
out_dir <- file.path(repo_root, "tests", "data")
dir.create(out_dir, showWarnings = FALSE, recursive = TRUE)
out_file <- file.path(out_dir, "reference_location_scale.csv")

fmt <- function(v) {
    v <- as.numeric(v)
    s <- sprintf("%.17g", v)
    s[is.na(v)] <- "NaN"   # NA and NaN
    stopifnot(identical(as.numeric(s[!is.na(v)]), v[!is.na(v)]))
    s
}

## ---- input vectors ---------------------------------------------------------
cases <- list()
add_case <- function(name, x) {
    x <- as.numeric(x)
    stopifnot(!is.null(x), !anyNA(x), !(name %in% names(cases)))
    cases[[name]] <<- x
}

read_data <- function(file) read.csv(file.path(data_dir, file), comment.char = "#")

add_case("chem_copper", read_data("chem.csv")$copper)
add_case("abbey_nickel", read_data("abbey.csv")$nickel)
morley <- read_data("morley.csv")
add_case("morley_speed", morley$Speed)
for (e in sort(unique(morley$Expt)))
    add_case(sprintf("morley_expt%d", e), morley$Speed[morley$Expt == e])

set.seed(20240611)
## normal data with a few gross outliers (about 10 %, at least one from n = 4)
for (n in c(1:12, 31, 100, 1000)) {
    x <- rnorm(n, mean = 10, sd = 2)
    k <- if (n >= 4) max(1L, n %/% 10L) else 0L
    if (k > 0) {
        idx <- sample.int(n, k)
        x[idx] <- 10 + sign(runif(k) - 0.3) * (20 + 100 * rexp(k))
    }
    add_case(sprintf("contaminated_n%d", n), x)
}
## many ties: rounded values
add_case("ties_n7", round(rnorm(7), 0))
add_case("ties_n20", round(rnorm(20), 1))
add_case("ties_n101", round(rnorm(101, sd = 3), 0))
add_case("ties_two_values_n16", rep(c(1, 2), times = c(5, 11)))
## constant vectors
add_case("constant_n1", 3.25)
add_case("constant_n9", rep(3.25, 9))
add_case("constant_n10", rep(-7, 10))
## +-Inf
add_case("inf_both_n18", c(rnorm(15), Inf, -Inf, Inf))
add_case("inf_pos_n12", c(rnorm(10), Inf, Inf))
add_case("inf_neg_n13", c(-Inf, rnorm(12)))
add_case("inf_only_n2", c(-Inf, Inf))
add_case("inf_majority_n3", c(1, Inf, Inf))
## huge finite values (sums overflow a double; the statistics do not)
add_case("huge_pair", c(1e308, 1.5e308))
add_case("huge_n9", runif(9, 0.5, 1.7) * 1e308)
add_case("huge_mixed_n11", runif(11, -1.7, 1.7) * 1e308)
add_case("huge_moderate_n12", runif(12, 0.5, 1.7) * 1e306)
## tiny (subnormal) values
add_case("subnormal_n5", c(5e-324, 1e-323, 2e-323, 4e-323, 1.5e-323))
## a large offset with small spread (cancellation)
add_case("offset_n50", 1e9 + round(rnorm(50), 3))

## ---- reference statistics ------------------------------------------------------
trims <- c(0, 0.05, 0.1, 0.2, 0.25, 1/3, 0.4, 0.45, 0.5)
asym_trims <- list(c(0.1, 0.2), c(0, 0.25), c(0.3, 0), c(0.05, 0.45))
wins <- c(0, 0.05, 0.1, 0.2, 0.25, 1/3, 0.4, 0.45)
asym_wins <- list(c(0.1, 0.2), c(0, 0.25), c(0.3, 0), c(0.05, 0.45))
probs <- c(0, 0.01, 0.1, 0.25, 1/3, 0.5, 2/3, 0.75, 0.9, 0.99, 1)

trimmed_mean_asym <- function(x, lo, hi) {
    n <- length(x)
    g_lo <- floor(n * lo); g_hi <- floor(n * hi)
    mean(sort(x)[(g_lo + 1):(n - g_hi)])
}

winsorized_mean <- function(x, lo, hi) {
    n <- length(x)
    g_lo <- floor(n * lo); g_hi <- floor(n * hi)
    s <- sort(x)
    if (g_lo > 0) s[seq_len(g_lo)] <- s[g_lo + 1]
    if (g_hi > 0) s[(n - g_hi + 1):n] <- s[n - g_hi]
    mean(s)
}

rows <- list()
add_row <- function(case, stat, p1, p2, value, x) {
    rows[[length(rows) + 1L]] <<- c(
        case, as.character(length(x)), stat,
        if (is.na(p1)) "" else fmt(p1),
        if (is.na(p2)) "" else fmt(p2),
        fmt(value), "")
}

for (name in names(cases)) {
    x <- cases[[name]]
    rows[[length(rows) + 1L]] <- c(name, as.character(length(x)), "input", "", "", "",
                                   paste(fmt(x), collapse = " "))
    add_row(name, "median", NA, NA, median(x), x)
    for (p in trims)
        add_row(name, "trimmed_mean", p, p, mean(x, trim = p), x)
    for (p in asym_trims)
        add_row(name, "trimmed_mean", p[1], p[2], trimmed_mean_asym(x, p[1], p[2]), x)
    for (q in probs)
        add_row(name, "quantile", q, NA, unname(quantile(x, q, type = 7)), x)
    add_row(name, "mad_raw", NA, NA, mad(x, constant = 1), x)
    add_row(name, "iqr", NA, NA, IQR(x, type = 7), x)
    for (p in wins)
        add_row(name, "winsorized_mean", p, p, winsorized_mean(x, p, p), x)
    for (p in asym_wins)
        add_row(name, "winsorized_mean", p[1], p[2], winsorized_mean(x, p[1], p[2]), x)
}

header <- c(
    "# Reference values for robstat's location and scale estimators, computed by R.",
    paste0("# ", R.version.string, "; generated by tests/tools/make_reference.R; do not edit by hand."),
    "# Columns: case, n, statistic, p1, p2, expected, x. Each case starts with an 'input' row",
    "#   whose x holds the input vector (space-separated); x is empty on the other rows.",
    "# Statistics: median; trimmed_mean (p1 = lower, p2 = upper; R mean(x, trim) when equal);",
    "#   quantile (p1 = q, type 7); mad_raw (mad(x, constant = 1)); iqr (IQR(x, type = 7));",
    "#   winsorized_mean (p1 = lower, p2 = upper; floor(n * p) values per tail replaced).",
    "case,n,statistic,p1,p2,expected,x")
body <- vapply(rows, paste, "", collapse = ",")
con <- file(out_file, open = "wb")
writeLines(c(header, body), con, sep = "\n")
close(con)

## Self-check: the file reads back to the same numbers.
back <- read.csv(out_file, comment.char = "#", colClasses = "character")
stopifnot(nrow(back) == length(rows))
inputs <- back[back$statistic == "input", ]
stopifnot(identical(inputs$case, names(cases)))
for (i in seq_len(nrow(inputs))) {
    xs <- as.numeric(strsplit(inputs$x[i], " ", fixed = TRUE)[[1]])
    stopifnot(identical(xs, cases[[inputs$case[i]]]))
}
stats <- back[back$statistic != "input", ]
stopifnot(all(stats$x == ""), all(stats$expected != ""))
cat(sprintf("wrote %s: %d rows, %d cases\n", out_file, length(rows), length(cases)))
