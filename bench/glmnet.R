# R glmnet as a benchmark peer (bench/solvers.py RGlmnet): one fit, timed inside R with
# system.time so that R's start-up and the data transfer are not counted.
#
#   Rscript bench/glmnet.R DIR
#
# DIR holds meta.csv (name,value: n, p, sparse, intercept, mixing, thresh, maxit, cv and,
# optionally, family (gaussian or mgaussian) and ntasks: y.bin is then n x ntasks),
# X.bin (float64 column-major, or CSC: indptr.bin, indices.bin int32 and x.bin),
# y.bin, lambda.bin and, for cv, foldid.bin (int32, 1-based). Writes beta.bin
# (p x nlambda float64, for mgaussian one such block per task; for cv the
# coefficients at lambda.min), seconds.txt (elapsed, CPU),
# and for cv cv.txt (index of lambda.min, 1-based, and its cvm).
suppressMessages(library(glmnet))
dir <- commandArgs(trailingOnly = TRUE)[1]
meta_rows <- read.csv(file.path(dir, "meta.csv"), header = FALSE, colClasses = "character")
meta <- setNames(as.list(meta_rows[[2]]), meta_rows[[1]])
n <- as.integer(meta$n); p <- as.integer(meta$p)
rb <- function(name, what, count, size) {
  con <- file(file.path(dir, name), "rb"); on.exit(close(con))
  readBin(con, what, count, size = size, endian = "little")
}
nlam <- file.size(file.path(dir, "lambda.bin")) / 8
lambda <- rb("lambda.bin", "double", nlam, 8)
ntasks <- if (is.null(meta$ntasks)) 1L else as.integer(meta$ntasks)
family <- if (is.null(meta$family)) "gaussian" else meta$family
y <- rb("y.bin", "double", n * ntasks, 8)
if (family == "mgaussian") y <- matrix(y, n, ntasks)
if (meta$sparse == "1") {
  indptr <- rb("indptr.bin", "integer", p + 1, 4)
  nnz <- indptr[p + 1]
  X <- Matrix::sparseMatrix(i = rb("indices.bin", "integer", nnz, 4), p = indptr,
                            x = rb("x.bin", "double", nnz, 8), dims = c(n, p),
                            index1 = FALSE)
} else {
  X <- matrix(rb("X.bin", "double", n * p, 8), n, p)
}
args <- list(x = X, y = y, family = family, alpha = as.numeric(meta$mixing), lambda = lambda,
             standardize = FALSE, intercept = meta$intercept == "1",
             thresh = as.numeric(meta$thresh), maxit = as.integer(meta$maxit))
wb <- function(name, v) {
  con <- file(file.path(dir, name), "wb"); on.exit(close(con))
  writeBin(as.double(v), con, size = 8, endian = "little")
}
if (meta$cv == "1") {
  foldid <- rb("foldid.bin", "integer", n, 4)
  st <- system.time(fit <- do.call(cv.glmnet, c(args, list(foldid = foldid))))
  idx <- which.min(fit$cvm)
  b <- fit$glmnet.fit$beta
  if (family == "mgaussian") {
    wb("beta.bin", unlist(lapply(b, function(bt) as.matrix(bt[, idx]))))
  } else {
    wb("beta.bin", as.matrix(b[, idx]))
  }
  writeLines(c(as.character(idx), sprintf("%.17g", fit$cvm[idx])), file.path(dir, "cv.txt"))
} else {
  st <- system.time(fit <- do.call(glmnet, args))
  blocks <- if (family == "mgaussian") fit$beta else list(fit$beta)
  for (bt in blocks) {
    if (ncol(bt) != nlam) stop(sprintf("glmnet returned %d of %d lambdas", ncol(bt), nlam))
  }
  wb("beta.bin", unlist(lapply(blocks, as.matrix)))
}
# elapsed, then the CPU seconds of R itself (user + system)
writeLines(sprintf("%.17g %.17g", st[["elapsed"]], st[["user.self"]] + st[["sys.self"]]),
           file.path(dir, "seconds.txt"))
