"""The cross-validation's fold jobs: what one fold computes.

Each job fits the whole alpha grid (every l1_ratio) on a fold's training set and
returns the test errors along it: ``_gram_fold`` from the shared Gram moments of the
test blocks (``FoldMoments``, ``SparseFoldMoments``, or sums reduced on Dask),
``_plain_fold`` on a copy of the training rows; ``_multitask_moments_fold`` and
``_multitask_plain_fold`` the same for a 2-D target. Around them: the relaxed fits per
fold (``_relaxed_coefs``), paths stopped at max_features (``_limited_fold_path``), the
out-of-fold predictions and scores (``_OutOfFold``), and the problem on all the data
that only the alpha grid needs (``_grid_problem``). The estimators
(``_cv``, ``_multitask_cv``) run the jobs on threads (``_cv_base._PathCV``).
"""
from __future__ import annotations

import numpy as np
from joblib import delayed
from scipy import sparse

from ._engine import Problem, gram_for, multitask_arrays, solve_multitask, update_strategy
from ._linalg import sq_norm
from ._path import solve_limited
from ._prepare import (
    SparsePrepared,
    column_scales,
    gram_scales,
    inverse_scales,
    offsets_dot,
    preprocess,
    scale_columns,
    scale_moments,
    sparse_rows,
    take_rows,
    test_mse,
)
from ._relaxed import blend, relaxed_path, used_rows
from ._scoring import Scoring
from ._validation import check_bool


def _evaluated_gammas(gammas):
    """The gammas whose CV errors the folds compute: the given ones and 1 (for
    mse_path_), sorted; None for the plain CV."""
    return None if gammas is None else np.union1d(gammas, [1.0])


def _relaxed_coefs(problem, coefs, gammas, n_train):
    """The path coefs (p, n_alphas) blended with their relaxed fits (glmnet's
    relax.glmnet, see relaxed_path) for each gamma, side by side, on the features
    nonzero somewhere along the path: (rows, (len(rows), n_gammas * n_alphas))."""
    rows = used_rows(coefs)
    sub = coefs[rows]
    refits = relaxed_path(problem, coefs, n_train, rows)
    return rows, np.hstack([blend(float(g), sub, refits) for g in gammas])


def _by_gamma(errors, gammas):
    """Test errors (n_gammas * n_alphas,) as (n_gammas, n_alphas)."""
    return errors if gammas is None else np.reshape(errors, (len(gammas), -1))


class _OutOfFold:
    """What the fold jobs compute beyond the test MSE when ``scoring`` or
    ``store_cv_results`` asks: the scores of the test predictions (``Scoring``), and
    the predictions themselves; ``collect`` puts the folds together."""

    def __init__(self, scoring, store):
        self.scoring = scoring
        self.store = store

    @classmethod
    def of(cls, est):
        """None when the estimator asks for neither (today's MSE-only jobs)."""
        check_bool("store_cv_results", est.store_cv_results)
        scoring = None if est.scoring is None else Scoring(est.scoring)
        if scoring is None and not est.store_cv_results:
            return None
        return cls(scoring, bool(est.store_cv_results))

    def result(self, mse, preds, y_test, sw_test):
        scores = None if self.scoring is None else \
            [self.scoring(y_test, p, sw_test) for p in preds]
        return mse, scores, preds if self.store else None

    def collect(self, est, per_fold, folds, n_samples, dtype):
        """(mse, score) as (n_l1_ratio, n_alphas, n_folds) (score None without
        scoring); sets ``cv_results_`` (n_samples, n_alphas), or (n_l1_ratio,
        n_samples, n_alphas) for several l1_ratios, NaN for samples in no test
        fold."""
        mse = np.moveaxis(np.asarray([r[0] for r in per_fold]), 0, 2)
        score = None if self.scoring is None else \
            np.moveaxis(np.asarray([r[1] for r in per_fold], dtype=np.float64), 0, 2)
        if self.store:
            n_r = mse.shape[0]
            # (a fold's predictions: (n_test, n_alphas), or (n_test, n_targets,
            # n_alphas) for the multi-task problem)
            shape = per_fold[0][2][0].shape[1:]
            out = np.full((n_r, n_samples) + shape, np.nan, dtype=dtype)
            for (_, test), r in zip(folds, per_fold, strict=True):
                for i, pred in enumerate(r[2]):
                    out[i, test] = pred
            est.cv_results_ = out[0] if n_r == 1 else out
        return mse, score



def _gram_fold(moments, k, train, test, l1_ratios, grids, penalty, solve_kw,
               oof=None, standardize=False, gammas=None, limits=(None, None)):
    """Test MSE along every grid for fold k, from the shared Gram moments (with
    ``oof``, an _OutOfFold: also the test predictions and scores; with
    ``standardize``, solved on the training set's unit-variance columns;
    ``gammas``: the relaxed fits' errors too, see _relaxed_coefs; ``limits``:
    max_features / max_features_ever, see _limited_fold_path)."""
    G, Xy, yy, m, my = moments.training_moments(k, len(train))
    scale = None
    if standardize:
        scale = inverse_scales(gram_scales(G, len(train), moments.mu + m, G.dtype),
                               G.dtype)
        G, Xy = scale_moments(G, Xy, scale)
        penalty = penalty.scaled(scale)
    problem = Problem.gram(G, Xy, yy, len(train), penalty, G.dtype)
    out = []
    preds = []
    for r, grid in zip(l1_ratios, grids, strict=True):
        coefs = _limited_fold_path(problem, float(r), grid, limits, solve_kw)
        if gammas is not None:
            rows, blended = _relaxed_coefs(problem, coefs, gammas, len(train))
            coefs = np.zeros((coefs.shape[0], blended.shape[1]), dtype=coefs.dtype)
            coefs[rows] = blended
        if scale is not None:
            coefs = coefs * scale[:, None]
        intercepts = my - offsets_dot(m, coefs)
        out.append(_by_gamma(moments.test_mse(k, coefs, intercepts), gammas))
        if oof is not None:
            # (y_g = y - ybar ~ X_g w + b: the predictions of y add ybar back)
            rows = moments.tests[k]
            preds.append(np.asarray(moments.Xg[rows] @ coefs) + intercepts +
                         moments.ybar)
    if oof is None:
        return out
    rows = moments.tests[k]
    return oof.result(out, preds, moments.yg[rows] + moments.ybar,
                      moments.sw[rows] if moments.weighted else None)


def _plain_fold(X, y, sw, train, test, l1_ratios, grids, penalty, solve_kw,
                oof=None, standardize=False, gammas=None, limits=(None, None), *,
                fit_intercept, precompute):
    """Test MSE along every grid for one fold, fitting on a copy of X[train]
    (with ``oof``: also the test predictions and scores; with ``standardize``,
    on the training set's unit-variance columns; ``gammas``: the relaxed fits'
    errors too; ``limits``: see _gram_fold; ``precompute``: as the engine reads
    it, see ElasticNetCV._precompute)."""
    sw_train = None if sw is None else sw[train]
    scale = None
    if sparse.issparse(X):
        # (the fold's rows straight into the kernel's CSC arrays, weighted in place)
        X_train = sparse_rows(X, train)
        if standardize:
            scale = inverse_scales(column_scales(X_train, sw_train), X.dtype)
            X_train = scale_columns(X_train, scale)
            penalty = penalty.scaled(scale)
        prep = SparsePrepared(X_train, y[train], fit_intercept, sw_train,
                              own=True)
        del X_train
        strategy = update_strategy(precompute, len(train), X.shape[1],
                                   sparse=prep)
        problem = Problem.sparse(prep, prep.y, penalty, gram=strategy == "full")
    else:
        strategy = update_strategy(precompute, len(train), X.shape[1],
                                   grids.shape[1])
        # (the rows gathered into one Fortran copy, centered in place; as X[train],
        # which is C-ordered, it is centered explicitly)
        X_train = take_rows(X, train)
        if standardize:
            scale = inverse_scales(column_scales(X_train, sw_train), X.dtype)
            np.multiply(X_train, scale, out=X_train)
            penalty = penalty.scaled(scale)
        prep = preprocess(X_train, y[train], fit_intercept, sw_train, own=True)
        del X_train
        gram = gram_for(strategy, prep)
        problem = Problem.dense(prep.X, prep.y, penalty, prep.Xmean, prep.norms,
                                use_gram=strategy == "lazy", gram=gram)
    fits = []
    for r, grid in zip(l1_ratios, grids, strict=True):
        coefs = _limited_fold_path(problem, float(r), grid, limits, solve_kw)
        if gammas is None:
            intercepts = (prep.y_offset - offsets_dot(prep.X_offset, coefs)) \
                if fit_intercept else 0.0
            if scale is not None:
                # (intercepts from the scaled offsets and coefficients: the same)
                coefs = coefs * scale[:, None]
            fits.append((None, coefs, intercepts))
            continue
        # (the relaxed fits: n_gammas times the columns, on the features that are
        # nonzero somewhere along the path only)
        rows, blended = _relaxed_coefs(problem, coefs, gammas, len(train))
        intercepts = (prep.y_offset - prep.X_offset[rows] @ blended) \
            if fit_intercept else 0.0
        if scale is not None:
            blended = blended * scale[rows, None]
        fits.append((rows, blended, intercepts))
    # the test rows are copied once the training copy is freed (never both)
    del problem, prep
    X_test = sparse_rows(X, test) if sparse.issparse(X) else X[test]
    y_test = y[test]
    sw_test = None if sw is None else sw[test]
    out = []
    preds = []
    for rows, coefs, intercepts in fits:
        if rows is not None:
            out.append(_by_gamma(test_mse(X_test[:, rows], y_test, sw_test, coefs,
                                          intercepts), gammas))
            continue
        out.append(test_mse(X_test, y_test, sw_test, coefs, intercepts))
        if oof is not None:
            preds.append(np.asarray(X_test @ coefs) + intercepts)
    if oof is None:
        return out
    return oof.result(out, preds, y_test, sw_test)



def _limited_fold_path(problem, l1_ratio, grid, limits, solve_kw):
    """A fold's coefficients along the grid; with max_features (limits) its path
    stops on its own, and the alphas it did not reach get its last solution (as
    cv.glmnet's predictions of a shorter fold path)."""
    coefs = solve_limited(problem, l1_ratio, grid, *limits, **solve_kw)[0]
    missing = len(grid) - coefs.shape[1]
    if missing:
        coefs = np.concatenate([coefs, np.repeat(coefs[:, -1:], missing, axis=1)],
                               axis=1)
    return coefs


def _grid_needs_xty_only(penalty):
    """Whether the alpha grid (alpha_max) of a problem in the Gram form needs X^T y
    alone: no feature unpenalized, and 0 is the box point closest to 0."""
    return penalty.unpenalized.size == 0 and not np.any(penalty.start())


def _xty_problem(Xy, yy, n_samples, penalty, dtype):
    """A problem that holds X^T y and ||y||^2 only, for its alpha grid (when
    ``_grid_needs_xty_only``): the same alpha_max as the problem with its Gram
    matrix."""
    problem = Problem(n_samples, len(Xy), penalty, float(yy))
    problem.kind = "gram"
    problem.Xy = np.ascontiguousarray(Xy, dtype=dtype)
    return problem


def _grid_problem(prep, penalty, strategy):
    """The problem of a prepared sparse X on all the data, for its alpha grid only:
    in the Gram form (strategy 'full') the grid needs X^T y alone, so the Gram matrix
    is not computed when no feature is unpenalized and the box point closest to 0 is
    0 (the same X^T y, hence the same grid, as the full problem's)."""
    if strategy == "full" and _grid_needs_xty_only(penalty):
        y = np.ascontiguousarray(prep.y, dtype=prep.dtype)
        return _xty_problem(prep.Xty(y), sq_norm(y), prep.shape[0], penalty,
                            prep.dtype)
    return Problem.sparse(prep, prep.y, penalty, gram=strategy == "full")


class _DeferredFirst(list):
    """The fold jobs of a ``FoldMoments`` with a deferred block (``defer``): its Gram
    product first, the block's own fold second (it needs only the other blocks), the
    other folds after (they wait for the product), so that the product and that
    fold's path run side by side on two threads. ``restore``: the folds' results in
    the folds' order."""

    def __init__(self, moments, jobs):
        jobs = list(jobs)
        k = moments.deferred
        self.order = [k] + [j for j in range(len(jobs)) if j != k]
        super().__init__([delayed(moments.finish_deferred)()] +
                         [jobs[j] for j in self.order])

    def restore(self, results):
        out = [None] * len(self.order)
        for j, result in zip(self.order, results[1:], strict=True):
            out[j] = result
        return out


def _with_deferred(moments, jobs, workers):
    """The fold jobs as they should run with these moments: when a block's Gram
    product is deferred (FoldMoments ``defer``) and the folds run on ``workers`` >= 2
    threads, beside its fold (``_DeferredFirst``); on fewer threads it is made first,
    here."""
    if moments is None or not moments.deferred_pending():
        return jobs
    if workers is None or workers < 2:
        moments.finish_deferred()
        return jobs
    return _DeferredFirst(moments, jobs)



def _multitask_intercepts(y_shift, X_shift, coefs):
    """(T, k) intercepts y_shift - coefs[..., a] @ X_shift for each alpha a."""
    return np.asarray(y_shift)[:, None] - np.einsum("tjk,j->tk", coefs, X_shift)


def _multitask_predict(X_test, coefs, intercepts):
    """Predictions (n_test, T, k) of coefs (T, p, k) with intercepts (T, k)."""
    if sparse.issparse(X_test):
        pred = np.stack([np.asarray(X_test @ coefs[..., a].T)
                         for a in range(coefs.shape[2])], axis=2)
    else:
        pred = np.einsum("ij,tjk->itk", np.asarray(X_test), coefs)
    return pred + intercepts[None]


def _multitask_moments_fold(moments, k, n_train, l1_ratios, grids, solve_kw, oof=None):
    """Test MSE along every grid for fold k, solved from the shared moments (with
    ``oof``: also the test predictions and scores)."""
    G, XtY, yy, m, my = moments.training_moments(k, n_train)
    out = []
    preds = []
    # (the test rows: only for the predictions; moments reduced on Dask hold none)
    rows = None if oof is None else moments.tests[k]
    for r, grid in zip(l1_ratios, grids, strict=True):
        coefs = solve_multitask(None, None, float(r), grid, gram=G, XtY=XtY, yy=yy,
                                n_samples=n_train, **solve_kw)[0]
        intercepts = _multitask_intercepts(my, m, coefs)
        out.append(moments.test_mse(k, coefs, intercepts))
        if oof is not None:
            preds.append(_multitask_predict(moments.Xg[rows], coefs, intercepts) +
                         np.asarray(moments.ybar)[None, :, None])
    if oof is None:
        return out
    return oof.result(out, preds, moments.yg[rows] + moments.ybar,
                      moments.sw[rows] if moments.weighted else None)


def _multitask_plain_fold(X, y, sw, train, test, fit_intercept, l1_ratios, grids,
                          solve_kw, oof=None):
    """Test MSE along every grid for one fold, fitting on a copy of X[train] (with
    ``oof``: also the test predictions and scores)."""
    sw_train = None if sw is None else sw[train]
    if sparse.issparse(X):
        prep = SparsePrepared(sparse_rows(X, train), y[train], fit_intercept, sw_train,
                              own=True)
        strategy = "full"
    else:
        prep = preprocess(take_rows(X, train), y[train], fit_intercept, sw_train,
                          own=True)
        strategy = update_strategy("auto", len(train), X.shape[1], grids.shape[1])
    arrays = multitask_arrays(prep, strategy)
    fits = []
    for r, grid in zip(l1_ratios, grids, strict=True):
        coefs = solve_multitask(l1_ratio=float(r), alphas=grid, **arrays,
                                **solve_kw)[0]
        fits.append((coefs, _multitask_intercepts(prep.y_offset, prep.X_offset, coefs)))
    # the test rows are copied once the training copy is freed (never both)
    del arrays, prep
    X_test = sparse_rows(X, test) if sparse.issparse(X) else X[test]
    y_test, sw_test = y[test], None if sw is None else sw[test]
    out = [test_mse(X_test, y_test, sw_test, coefs, intercepts)
           for coefs, intercepts in fits]
    if oof is None:
        return out
    preds = [_multitask_predict(X_test, coefs, intercepts) for coefs, intercepts in fits]
    return oof.result(out, preds, y_test, sw_test)

