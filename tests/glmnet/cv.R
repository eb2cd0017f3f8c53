# Reference outputs of R glmnet for fastreg's glmnet options (exclude, standardize,
# cv.glmnet's type.measure and keep=TRUE). Run by tests/glmnet/make_cv.py, which writes
# each case's inputs into a folder and collects what this script writes there:
#
#   Rscript tests/glmnet/cv.R CASE_DIR
#
# CASE_DIR holds X.csv (dense, no header), y.csv, lambda.csv, optional w.csv,
# foldid.csv (1-based), and spec.csv (name,value rows: mixing, standardize, intercept,
# sparse, exclude (1-based, ';'-separated), penalty_factor, lower, upper (';'-separated,
# or empty), cv (0/1), type_measure). Outputs: coef.csv ((1 + p) x nlambda: intercept
# first), and with cv: cvm.csv, cvsd.csv, lambda_min.csv, lambda_1se.csv, preval.csv
# (n x nlambda, cv.glmnet's fit.preval with keep=TRUE). Every fit at thresh = 1e-14.
suppressMessages(library(glmnet))
args <- commandArgs(trailingOnly = TRUE)
dir <- args[1]
rd <- function(name) as.matrix(read.csv(file.path(dir, name), header = FALSE))
spec_rows <- read.csv(file.path(dir, "spec.csv"), header = FALSE,
                      colClasses = "character")
spec <- setNames(as.list(spec_rows[[2]]), spec_rows[[1]])
vec <- function(key) {
  v <- spec[[key]]
  if (is.null(v) || is.na(v) || v == "") return(NULL)
  as.numeric(strsplit(v, ";")[[1]])
}
X <- rd("X.csv")
y <- drop(rd("y.csv"))
lambda <- drop(rd("lambda.csv"))
n <- nrow(X); p <- ncol(X)
w <- if (file.exists(file.path(dir, "w.csv"))) drop(rd("w.csv")) else rep(1, n)
if (spec$sparse == "1") X <- Matrix::Matrix(X, sparse = TRUE)
pf <- vec("penalty_factor"); if (is.null(pf)) pf <- rep(1, p)
lower <- vec("lower"); if (is.null(lower)) lower <- -Inf
upper <- vec("upper"); if (is.null(upper)) upper <- Inf
ex <- vec("exclude")
common <- list(x = X, y = y, weights = w, alpha = as.numeric(spec$mixing),
               lambda = lambda, standardize = spec$standardize == "1",
               intercept = spec$intercept == "1", penalty.factor = pf,
               lower.limits = lower, upper.limits = upper, thresh = 1e-14,
               maxit = 10^7)
if (!is.null(ex)) common$exclude <- as.integer(ex)
out <- function(name, m) write.table(m, file.path(dir, name), sep = ",", quote = FALSE,
                                     row.names = FALSE, col.names = FALSE)
if (spec$cv == "1") {
  foldid <- as.integer(drop(rd("foldid.csv")))
  fit <- do.call(cv.glmnet, c(common, list(foldid = foldid, keep = TRUE,
                                            type.measure = spec$type_measure)))
  out("cvm.csv", sprintf("%.17g", fit$cvm))
  out("cvsd.csv", sprintf("%.17g", fit$cvsd))
  out("lambda_min.csv", sprintf("%.17g", fit$lambda.min))
  out("lambda_1se.csv", sprintf("%.17g", fit$lambda.1se))
  out("preval.csv", matrix(sprintf("%.17g", fit$fit.preval), nrow = n))
  beta <- as.matrix(coef(fit$glmnet.fit))
} else {
  fit <- do.call(glmnet, common)
  beta <- as.matrix(coef(fit))
}
out("coef.csv", matrix(sprintf("%.17g", beta), nrow = nrow(beta)))
