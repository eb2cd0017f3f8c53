# Reference outputs of R glmnet's relaxed lasso (glmnet(..., relax=TRUE) and
# cv.glmnet(..., relax=TRUE, foldid=)), read by tests/test_relaxed.py.
#
# Run it through tests/glmnet/relax_make.py, which writes the inputs of every case
# (x.csv, y.csv, ... in one folder per case), calls
#     Rscript tests/glmnet/relax.R <folder>
# and gathers the results (out.txt of each case) into tests/glmnet/relax.json.
# glmnet is called with standardize=FALSE (fastreg does not standardize) and
# thresh=1e-22, maxit=1e7: its default 1e-7 is far from the ~1e-6 the tests compare
# at, and even thresh=1e-14 leaves its lambda = 0 refits (the relaxed fits) ~1e-6
# away from least squares on a support of 16 features (1e-10 with 1e-22).
# The timings (seconds_relax, seconds_plain: system.time inside R) use glmnet's
# default thresh, as a user would.
suppressPackageStartupMessages(library(glmnet))

args <- commandArgs(trailingOnly = TRUE)
root <- args[1]

num <- function(v) paste(sprintf("%.17g", as.numeric(v)), collapse = " ")
emit <- function(con, name, v) writeLines(paste(name, num(v)), con)
readv <- function(dir, name) {
  f <- file.path(dir, name)
  if (file.exists(f)) as.numeric(readLines(f)) else NULL
}

for (dir in list.dirs(root, recursive = FALSE)) {
  p <- as.list(read.dcf(file.path(dir, "params.dcf"))[1, ])
  x <- as.matrix(read.csv(file.path(dir, "x.csv"), header = FALSE))
  dimnames(x) <- NULL
  if (p$sparse == "1") x <- Matrix(x, sparse = TRUE)
  y <- readv(dir, "y.csv")
  n <- nrow(x); nv <- ncol(x)
  w <- readv(dir, "w.csv"); if (is.null(w)) w <- rep(1, n)
  pf <- readv(dir, "pf.csv"); if (is.null(pf)) pf <- rep(1, nv)
  lo <- readv(dir, "lower.csv"); if (is.null(lo)) lo <- -Inf
  hi <- readv(dir, "upper.csv"); if (is.null(hi)) hi <- Inf
  lam <- readv(dir, "lambda.csv")
  mix <- as.numeric(p$mixing)
  icpt <- p$intercept == "1"
  con <- file(file.path(dir, "out.txt"), "w")
  if (p$kind == "fit") {
    fit <- glmnet(x, y, weights = w, lambda = lam, alpha = mix, intercept = icpt,
                  standardize = FALSE, thresh = 1e-22, maxit = 1e7, penalty.factor = pf,
                  lower.limits = lo, upper.limits = hi, relax = TRUE)
    r <- fit$relaxed
    emit(con, "lambda", fit$lambda)
    emit(con, "beta", as.matrix(fit$beta))
    emit(con, "a0", fit$a0)
    emit(con, "relaxed_lambda", r$lambda)
    emit(con, "relaxed_beta", as.matrix(r$beta))
    emit(con, "relaxed_a0", r$a0)
    for (g in c(0.25, 0.5)) {
      cf <- as.matrix(coef(fit, gamma = g))
      emit(con, sprintf("blend_%g", g), cf)
    }
  } else {
    foldid <- as.integer(readv(dir, "foldid.csv"))
    gam <- readv(dir, "gamma.csv")
    call <- function() cv.glmnet(x, y, weights = w, lambda = lam, alpha = mix,
                                 intercept = icpt, standardize = FALSE, thresh = 1e-22, maxit = 1e7,
                                 penalty.factor = pf, lower.limits = lo,
                                 upper.limits = hi, foldid = foldid, relax = TRUE,
                                 gamma = gam)
    cv <- call()
    tm <- system.time(cv.glmnet(x, y, weights = w, lambda = lam, alpha = mix,
                                intercept = icpt, standardize = FALSE,
                                penalty.factor = pf, lower.limits = lo,
                                upper.limits = hi, foldid = foldid, relax = TRUE,
                                gamma = gam))[["elapsed"]]
    tm_plain <- system.time(cv.glmnet(x, y, weights = w, lambda = lam, alpha = mix,
                                      intercept = icpt, standardize = FALSE,
                                      penalty.factor = pf, lower.limits = lo,
                                      upper.limits = hi,
                                      foldid = foldid))[["elapsed"]]
    rel <- cv$relaxed
    emit(con, "lambda", cv$lambda)
    emit(con, "gamma", rel$gamma)
    for (i in seq_along(rel$gamma)) {
      emit(con, sprintf("cvm_%d", i), rel$statlist[[i]]$cvm)
      emit(con, sprintf("cvsd_%d", i), rel$statlist[[i]]$cvsd)
    }
    emit(con, "lambda_min", rel$lambda.min)
    emit(con, "gamma_min", rel$gamma.min)
    emit(con, "lambda_1se", rel$lambda.1se)
    emit(con, "gamma_1se", rel$gamma.1se)
    cf <- as.matrix(coef(cv, s = "lambda.min", gamma = "gamma.min"))
    emit(con, "coef_min", cf)
    emit(con, "seconds_relax", tm)
    emit(con, "seconds_plain", tm_plain)
  }
  close(con)
}
