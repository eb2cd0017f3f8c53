# Reference outputs of R glmnet's whole-path models, read by tests/test_path_model.py:
# glmnet(...) paths on a given lambda sequence, predict(fit, newx, s=) between the
# fitted lambdas (glmnet's lambda.interp) and with exact=TRUE, print(fit)'s columns
# (Df, %Dev, Lambda), and the truncation of dfmax (on glmnet's own lambda sequence:
# glmnet ignores dfmax on a given one) and pmax (on a given sequence).
#
# Run it through tests/glmnet/path_make.py, which writes the inputs of every case (one
# folder each: x.csv, y.csv, ...), calls  Rscript tests/glmnet/path.R <folder>  and
# gathers the outputs (out.txt of each case) into tests/glmnet/path.json.
# glmnet is called with standardize=FALSE (fastreg does not standardize) and
# thresh=1e-20, maxit=1e7 (its default thresh=1e-7 is far from the 1e-7 relative
# agreement the tests ask for); glmnet.control(fdev=0, devmax=1) so that its own
# lambda sequence stops only at dfmax.
suppressPackageStartupMessages(library(glmnet))
glmnet.control(fdev = 0, devmax = 1)

args <- commandArgs(trailingOnly = TRUE)
root <- args[1]

num <- function(v) paste(sprintf("%.17g", as.numeric(v)), collapse = " ")
emit <- function(con, name, v) writeLines(paste(name, num(v)), con)
readv <- function(dir, name) {
  f <- file.path(dir, name)
  if (file.exists(f)) as.numeric(readLines(f)) else NULL
}
readm <- function(dir, name) {
  m <- as.matrix(read.csv(file.path(dir, name), header = FALSE))
  dimnames(m) <- NULL
  m
}

for (dir in list.dirs(root, recursive = FALSE)) {
  p <- as.list(read.dcf(file.path(dir, "params.dcf"))[1, ])
  x <- readm(dir, "x.csv")
  if (p$sparse == "1") x <- Matrix(x, sparse = TRUE)
  y <- readv(dir, "y.csv")
  n <- nrow(x); nv <- ncol(x)
  w <- readv(dir, "w.csv"); if (is.null(w)) w <- rep(1, n)
  lam <- readv(dir, "lambda.csv")
  mix <- as.numeric(p$mixing)
  icpt <- p$intercept == "1"
  con <- file(file.path(dir, "out.txt"), "w")
  fitf <- function(...) glmnet(x, y, weights = w, alpha = mix, intercept = icpt,
                               standardize = FALSE, thresh = 1e-20, maxit = 1e7, ...)
  if (p$kind == "path") {
    fit <- fitf(lambda = lam)
    emit(con, "lambda", fit$lambda)
    emit(con, "beta", as.matrix(fit$beta))
    emit(con, "a0", fit$a0)
    # print(fit)'s columns
    emit(con, "df", fit$df)
    emit(con, "dev_ratio", fit$dev.ratio)
    emit(con, "print_dev", round(fit$dev.ratio * 100, 2))
    s <- readv(dir, "s.csv")
    newx <- readm(dir, "newx.csv")
    emit(con, "coef_interp", as.matrix(coef(fit, s = s)))
    emit(con, "pred_interp", predict(fit, newx = newx, s = s))
    se <- readv(dir, "s_exact.csv")
    # what coef(fit, s = se, exact = TRUE, x =, y =, weights =) does: refit on
    # the union of the two sequences and read the solutions at se
    fe <- fitf(lambda = sort(unique(c(se, lam)), decreasing = TRUE))
    emit(con, "coef_exact", as.matrix(coef(fe, s = se)))
  } else if (p$kind == "dfmax") {
    dfmax <- as.integer(p$dfmax)
    full <- fitf(nlambda = as.integer(p$nlambda),
                 lambda.min.ratio = as.numeric(p$lmr))
    fit <- fitf(nlambda = as.integer(p$nlambda),
                lambda.min.ratio = as.numeric(p$lmr), dfmax = dfmax)
    emit(con, "full_lambda", full$lambda)
    emit(con, "lambda", fit$lambda)
    emit(con, "beta", as.matrix(fit$beta))
    emit(con, "a0", fit$a0)
    emit(con, "df", fit$df)
  } else if (p$kind == "cvpmax") {
    # cv.glmnet on the given sequence with pmax: the full-data path is truncated, the
    # folds (each truncated on its own) are scored on its lambdas
    foldid <- as.integer(readv(dir, "foldid.csv"))
    cv <- suppressWarnings(cv.glmnet(x, y, weights = w, lambda = lam, alpha = mix,
                                     intercept = icpt, standardize = FALSE,
                                     thresh = 1e-20, maxit = 1e7, foldid = foldid,
                                     pmax = as.integer(p$pmax)))
    emit(con, "lambda", cv$lambda)
    emit(con, "cvm", cv$cvm)
    emit(con, "nzero", cv$nzero)
    emit(con, "lambda_min", cv$lambda.min)
    emit(con, "lambda_1se", cv$lambda.1se)
  } else if (p$kind == "pmax") {
    fit <- suppressWarnings(fitf(lambda = lam, pmax = as.integer(p$pmax)))
    emit(con, "lambda", fit$lambda)
    emit(con, "beta", as.matrix(fit$beta))
    emit(con, "a0", fit$a0)
    emit(con, "df", fit$df)
  }
  close(con)
}
