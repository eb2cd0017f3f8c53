"""Sufficient statistics of a Dask array in one pass, per cross-validation fold.

For every chunk of rows (read by a Dask task, never collected on the client): the row
count, the total weight, the weighted means of the columns and of the target, and the
co-moments X^T W X, X^T W y, y^T W y centered on the chunk's own weighted means, for
each fold present in the chunk. Chunks are merged pairwise with Chan's update of means
and co-moments (a tree reduction in Dask's graph), so that a column whose mean dwarfs
its spread loses no digits, and the result does not depend on the chunking beyond
rounding. The client receives (folds) x (p x p) matrices and builds a ``FoldSums``
from them: the estimators of ``fastreg.dask`` hand it to the same engine as the
in-memory estimators.

Only ``fastreg.dask`` imports this module: ``import fastreg`` does not import Dask.
"""
import numbers
from functools import reduce

import numpy as np

from ._prepare import FoldSums, cancels

# chunks merged per task of the tree reduction
SPLIT_EVERY = 8
# values of the buffer in which a chunk's rows are centered, a block at a time
BLOCK_VALUES = 2**17
# default budget of the client for the (folds + 1) p x p float64 matrices
CLIENT_MEMORY = 2 * 2**30


# ---------------------------------------------------------------------------------------
# Per chunk and merge (run by Dask's workers)
# ---------------------------------------------------------------------------------------

def _where(start, stop):
    return f"rows {start}..{stop - 1}" if start is not None else "a chunk of rows"


def chunk_moments(X, y, w, fold, n_folds, n_features, start=None, n_targets=None):
    """Moments of one chunk of rows, per fold: a tuple (counts (K,), weights (K,),
    means of X (K, p), means of y (K,), C_xx (K, p, p), C_xy (K, p), C_yy (K,)), the
    co-moments about the fold's weighted means within the chunk. With ``n_targets``
    (2-D y of T columns): means of y (K, T), C_xy (K, p, T) and C_yy the trace of
    the targets' co-moment matrix (K,). Raises on a chunk that does not fit (column
    count, row count of y / weights / folds), on NaN or infinity and on negative
    weights or fold ids out of range."""
    X = np.asarray(X)
    m = X.shape[0]
    stop = None if start is None else start + m
    if X.ndim != 2 or X.shape[1] != n_features:
        raise ValueError(
            f"X: {_where(start, stop)} has {X.shape[1] if X.ndim == 2 else X.shape} "
            f"columns, expected {n_features} (the column count of X).")
    if n_targets is None:
        y = np.asarray(y).reshape(-1) if np.ndim(y) == 2 and np.shape(y)[1] == 1 \
            else np.asarray(y)
    else:
        y = np.asarray(y)
        if y.ndim != 2 or y.shape != (m, n_targets):
            raise ValueError(
                f"y: its chunk for {_where(start, stop)} of X has shape {y.shape}, "
                f"expected ({m}, {n_targets}): y must have one row per row of X, "
                "chunked like X's rows.")
    for name, arr in (("y", y if n_targets is None else None), ("sample_weight", w),
                      ("fold_ids", fold)):
        if arr is not None and (np.ndim(arr) != 1 or np.shape(arr)[0] != m):
            raise ValueError(
                f"{name}: its chunk for {_where(start, stop)} of X has shape "
                f"{np.shape(arr)}, expected ({m},): {name} must have one entry per row "
                "of X, chunked like X's rows.")
    X = X.astype(np.float64, copy=False)
    y = y.astype(np.float64, copy=False)
    # (NaN or infinity anywhere shows in the column sums: no pass of its own; they
    # are the sums of the chunk's moments when it holds one fold, unweighted)
    sums = X.sum(axis=0)
    if not np.all(np.isfinite(sums)):
        what = "NaN or infinity" if not np.all(np.isfinite(X)) else \
            "values so large that their sums overflow"
        raise ValueError(f"Input X contains {what} ({_where(start, stop)}).")
    if not np.isfinite(np.sum(y)):
        what = "NaN or infinity" if not np.all(np.isfinite(y)) else \
            "values so large that their sums overflow"
        raise ValueError(f"Input y contains {what} ({_where(start, stop)}).")
    if w is not None:
        w = np.asarray(w, dtype=np.float64)
        if not np.all(np.isfinite(w)):
            raise ValueError(
                f"sample_weight contains NaN or infinity ({_where(start, stop)}).")
        if np.any(w < 0):
            raise ValueError("Negative values in sample_weight are not allowed "
                             f"({_where(start, stop)}).")
    K, p = n_folds, n_features
    T = () if n_targets is None else (n_targets,)
    out = (np.zeros(K, dtype=np.int64), np.zeros(K), np.zeros((K, p)), np.zeros((K,) + T),
           np.zeros((K, p, p)), np.zeros((K, p) + T), np.zeros(K))
    if fold is None:
        groups = [(0, slice(None))]
    else:
        fold = np.asarray(fold)
        if fold.dtype.kind not in "iu":
            raise ValueError(f"fold_ids must be integers, got dtype {fold.dtype}.")
        if m and (fold.min() < 0 or fold.max() >= K):
            raise ValueError(
                f"fold_ids must lie in [0, {K}) (cv={K} folds); got values from "
                f"{fold.min()} to {fold.max()} ({_where(start, stop)}).")
        present = np.unique(fold)
        groups = [(int(present[0]), slice(None))] if present.size == 1 else \
            [(int(k), fold == k) for k in present]
    q = 1 if n_targets is None else n_targets
    for k, rows in groups:
        Xk, yk = X[rows], y[rows]
        wk = None if w is None else w[rows]
        out[0][k] = Xk.shape[0]
        S = float(Xk.shape[0]) if wk is None else float(np.sum(wk))
        out[1][k] = S
        if not S > 0:
            continue                  # (rows of weight 0 only: nothing to add)
        if wk is not None:
            mx = (wk @ Xk) / S
        else:
            mx = (sums if isinstance(rows, slice) else Xk.sum(axis=0)) / S
        my = (np.sum(yk, axis=0) if wk is None else wk @ yk) / S
        out[2][k] = mx
        out[3][k] = my
        if wk is None and _raw_products(Xk, yk, S, mx, my, out, k):
            continue
        # [X - mx, y - my] (rows scaled by sqrt(w)): its Gram matrix holds C_xx, C_xy
        # and C_yy; built a block of rows at a time in one small buffer (in cache)
        step = max(1, min(Xk.shape[0], BLOCK_VALUES // (p + q)))
        buf = np.empty((step, p + q))
        C = np.zeros((p + q, p + q))
        root = None if wk is None else np.sqrt(wk)
        for i in range(0, Xk.shape[0], step):
            A = buf[:min(step, Xk.shape[0] - i)]
            np.subtract(Xk[i:i + step], mx, out=A[:, :p])
            if n_targets is None:
                np.subtract(yk[i:i + step], my, out=A[:, p])
            else:
                np.subtract(yk[i:i + step], my, out=A[:, p:])
            if root is not None:
                A *= root[i:i + step, None]
            C += A.T @ A
        out[4][k] = C[:p, :p]
        out[5][k] = C[:p, p] if n_targets is None else C[:p, p:]
        out[6][k] = np.trace(C[p:, p:])
    return out


def _raw_products(X, y, S, mx, my, out, k):
    """Unweighted rows whose means are small against their spread: the co-moments
    from the products of the rows as they are (no centered copy), X^T X - S mx mx^T,
    when that subtraction loses few digits (``cancels``, the threshold of the
    in-memory fold moments); False (nothing written) otherwise."""
    # (one BLAS call; the vector products in NumPy's own loops: a BLAS call per
    # product costs more in waking its threads than it computes)
    C = X.T @ X - S * np.outer(mx, mx)
    if y.ndim == 1:
        cyy = np.atleast_1d(float(np.einsum("i,i->", y, y)) - S * my * my)
    else:
        cyy = np.einsum("it,it->t", y, y) - S * my * my
    spread = np.append(np.diag(C), cyy) / S
    if cancels(np.append(mx, my) ** 2, spread, np.float64) or not np.all(spread > 0):
        return False
    out[4][k] = C
    if y.ndim == 1:
        out[5][k] = np.einsum("ij,i->j", X, y) - S * mx * my
    else:
        out[5][k] = X.T @ y - S * np.outer(mx, my)
    out[6][k] = np.sum(cyy)
    return True


def merge_moments(a, b):
    """Chan's pairwise update of two chunks' moments (fold by fold)."""
    na, Sa, mxa, mya, Cxa, Cya, Cyya = a
    nb, Sb, mxb, myb, Cxb, Cyb, Cyyb = b
    S = Sa + Sb
    pos = S > 0
    f = np.divide(Sb, S, out=np.zeros_like(S), where=pos)
    g = np.divide(Sa * Sb, S, out=np.zeros_like(S), where=pos)
    d = mxb - mxa
    dy = myb - mya
    if dy.ndim == 1:
        cxy = Cya + Cyb + g[:, None] * d * dy[:, None]
        cyy = Cyya + Cyyb + g * dy * dy
        my = mya + f * dy
    else:             # (several targets: C_xy (K, p, T), C_yy the trace)
        cxy = Cya + Cyb + g[:, None, None] * d[:, :, None] * dy[:, None, :]
        cyy = Cyya + Cyyb + g * np.einsum("kt,kt->k", dy, dy)
        my = mya + f[:, None] * dy
    return (na + nb, S, mxa + f[:, None] * d, my,
            Cxa + Cxb + g[:, None, None] * d[:, :, None] * d[:, None, :], cxy, cyy)


def _unwrap(part):
    """A chunk's moments: the tuple inside the (1, 1) object block of the pass."""
    return part[0, 0] if isinstance(part, np.ndarray) else part


def merge_all(parts):
    return reduce(merge_moments, [_unwrap(p) for p in parts])


def tree_reduce(parts, split_every=SPLIT_EVERY):
    """One Dask task per group of ``split_every`` partial results, level by level, to
    a single delayed result (the shape of Dask's own reductions)."""
    import dask
    merge = dask.delayed(merge_all, pure=True)
    parts = list(parts)
    if len(parts) == 1:
        parts = [merge(parts)]
    while len(parts) > 1:
        parts = [merge(parts[i:i + split_every])
                 for i in range(0, len(parts), split_every)]
    return parts[0]


def _chunk_block(X, y, w, fold, start, n_folds, n_features, n_targets):
    """chunk_moments of one block of the pass, as a (1, 1) object array."""
    if start is not None:
        start = int(np.asarray(start).reshape(-1)[0])
    out = np.empty((1, 1), dtype=object)
    out[0, 0] = chunk_moments(X, y, w, fold, n_folds, n_features, start, n_targets)
    return out


def _fuse_own_inputs(graph, keys):
    """Each task of ``keys`` fused with the tasks that feed it alone (the reads of
    its chunk of X, y, weights and folds: tasks whose every dependent is in its
    group), so that a chunk is read, reduced and dropped in one task on one worker
    and never sent to another one. Dask's own fusion joins linear chains only (a
    task with two dependencies stays apart from their reads). ``GraphNode.fuse`` is
    Dask's own fusion of task-spec nodes (not public API): where this Dask has no
    such nodes, the graph is returned as it is (correct, one task per read)."""
    try:
        from dask._task_spec import GraphNode
        from dask.core import reverse_dict
    except ImportError:
        return graph
    if not hasattr(GraphNode, "fuse") or not all(
            isinstance(v, GraphNode) for v in graph.values()):
        return graph
    deps = {k: set(v.dependencies) for k, v in graph.items()}
    users = reverse_dict(deps)
    fused = dict(graph)
    for key in keys:
        group = {key}
        todo = list(deps[key])
        while todo:
            k = todo.pop()
            if k in group or k not in graph or k in keys or not users[k] <= group:
                continue
            group.add(k)
            todo.extend(deps[k])
        if len(group) > 1:
            for k in group:
                fused.pop(k, None)
            fused[key] = GraphNode.fuse(*(graph[k] for k in group), key=key)
    return fused


def chunk_blocks(X, y, w, fold, n_folds, n_targets):
    """The per-chunk moments as Delayed objects, one per chunk of rows: one task per
    chunk that reads its rows of X, y, the weights and the folds and reduces them
    (see ``_fuse_own_inputs``), as Dask's own ``X.T @ X`` does with X alone."""
    import dask.array as da
    from dask.delayed import Delayed
    from dask.highlevelgraph import HighLevelGraph
    p = X.shape[1]
    args = [X, "ij", y, "i" if n_targets is None else "ik",
            w, None if w is None else "i", fold, None if fold is None else "i"]
    if known_rows(X):
        starts = np.concatenate([[0], np.cumsum(X.chunks[0])[:-1]]).astype(np.int64)
        args += [da.from_array(starts, chunks=1), "i"]
    else:
        args += [None, None]
    out = da.blockwise(_chunk_block, "ij", *args, n_folds, None, p, None, n_targets,
                       None, dtype=object, concatenate=True, align_arrays=False,
                       adjust_chunks={"i": 1, "j": 1}, meta=np.empty((0, 0), object))
    keys = [k[0] for k in out.__dask_keys__()]
    graph = dict(out.__dask_optimize__(out.__dask_graph__(), keys))
    graph = _fuse_own_inputs(graph, set(keys))
    layer = f"moments-{out.name}"
    hlg = HighLevelGraph.from_collections(layer, graph, dependencies=())
    return [Delayed(k, hlg, layer=layer) for k in keys]


# ---------------------------------------------------------------------------------------
# The data on the client: dask collections, checks, folds
# ---------------------------------------------------------------------------------------

def is_dask_collection(obj):
    try:
        from dask import is_dask_collection as check
    except ImportError:        # pragma: no cover
        return False
    return check(obj)


def _feature_names(columns):
    names = np.asarray([str(c) for c in columns], dtype=object)
    return names if all(isinstance(c, str) for c in columns) else None


def as_dask_array(X, name, lengths=False):
    """(dask array, feature names or None) from a dask array / dataframe / series or
    an in-memory array (wrapped as one chunk)."""
    import dask.array as da
    import dask.dataframe as dd
    names = None
    if isinstance(X, dd.DataFrame):
        names = _feature_names(list(X.columns))
        bad = [c for c, t in X.dtypes.items() if t.kind not in "biuf"]
        if bad:
            raise ValueError(f"{name}: the dataframe has non-numeric columns {bad}.")
        X = X.to_dask_array(lengths=True if lengths else None)
    elif isinstance(X, dd.Series):
        X = X.to_dask_array(lengths=True if lengths else None)
    elif not isinstance(X, da.Array):
        if is_dask_collection(X):
            raise TypeError(f"{name}: expected a dask array or dataframe, got "
                            f"{type(X).__name__}.")
        X = np.asarray(X)
        X = da.from_array(X, chunks=X.shape or None)
    if lengths and any(np.isnan(c) for c in X.chunks[0]):
        X = X.compute_chunk_sizes()
    return X, names


def known_rows(X):
    return not any(np.isnan(c) for c in X.chunks[0])


def align_rows(v, X, name):
    """A 1-D vector (dask or in-memory) chunked like X's rows, or None."""
    import dask.array as da
    if v is None:
        return None
    v, _ = as_dask_array(v, name)
    if v.ndim == 2 and v.shape[1] == 1:
        v = v[:, 0]
    if v.ndim != 1:
        raise ValueError(f"{name} must be 1-D (one value per row of X), got shape "
                         f"{v.shape}.")
    if known_rows(X):
        if not known_rows(v):
            v = v.compute_chunk_sizes()
        if v.shape[0] != X.shape[0]:
            raise ValueError(
                f"{name} has {v.shape[0]} rows, X has {X.shape[0]}: {name} must have "
                "one entry per row of X.")
        if v.chunks[0] != X.chunks[0]:
            v = v.rechunk((X.chunks[0],))
    elif v.numblocks[0] != X.numblocks[0]:
        raise ValueError(
            f"{name} is split into {v.numblocks[0]} chunks of rows and X into "
            f"{X.numblocks[0]}: with unknown chunk sizes they must be partitioned "
            "alike.")
    return v if isinstance(v, da.Array) else da.from_array(v)


def align_targets(Y, X):
    """A 2-D dask array of targets (n, T) chunked like X's rows, one chunk across."""
    if known_rows(X):
        if not known_rows(Y):
            Y = Y.compute_chunk_sizes()
        if Y.shape[0] != X.shape[0]:
            raise ValueError(
                f"y has {Y.shape[0]} rows, X has {X.shape[0]}: y must have one row per "
                "row of X.")
        if Y.chunks[0] != X.chunks[0] or Y.numblocks[1] > 1:
            Y = Y.rechunk((X.chunks[0], -1))
    elif Y.numblocks[0] != X.numblocks[0]:
        raise ValueError(
            f"y is split into {Y.numblocks[0]} chunks of rows and X into "
            f"{X.numblocks[0]}: with unknown chunk sizes they must be partitioned "
            "alike.")
    elif Y.numblocks[1] > 1:
        Y = Y.rechunk({1: -1})
    if Y.shape[1] == 0:
        raise ValueError("y has 0 targets: at least one is required.")
    return Y


def check_weights_scalar(sample_weight):
    """A scalar weight weighs every row alike: None."""
    if isinstance(sample_weight, numbers.Number):
        if not (np.isfinite(sample_weight) and sample_weight > 0):
            raise ValueError("sample_weight: a scalar weight must be finite and > 0, "
                             f"got {sample_weight!r}.")
        return None
    return sample_weight


def kfold_ids(X, n_folds):
    """Fold ids of scikit-learn's ``KFold(n_folds)`` (no shuffling) on the global row
    order, as a dask array chunked like X's rows (computed per chunk from its
    offset)."""
    import dask.array as da
    n = X.shape[0]
    if n_folds > n:
        raise ValueError(f"cv={n_folds} folds cannot split {n} samples (fewer samples "
                         "than folds).")
    sizes = np.full(n_folds, n // n_folds, dtype=np.int64)
    sizes[:n % n_folds] += 1
    bounds = np.concatenate([[0], np.cumsum(sizes)])
    rows = da.arange(n, chunks=(X.chunks[0],), dtype=np.int64)
    return rows.map_blocks(lambda r: (np.searchsorted(bounds, r, side="right") - 1)
                           .astype(np.int32), dtype=np.int32)


def splitter_ids(X, cv):
    """Fold ids of a scikit-learn splitter whose test sets partition the rows (e.g.
    ``KFold(shuffle=True, random_state=...)``), computed on the client from the row
    count alone (memory: n_samples bytes plus the splitter's indices), as a dask
    array chunked like X's rows; and the number of folds."""
    import dask.array as da
    n = X.shape[0]
    ids = np.full(n, -1, dtype=np.int32)
    try:
        splits = list(cv.split(np.broadcast_to(np.float64(0), (n, 1))))
    except (TypeError, ValueError) as exc:
        raise ValueError(
            f"cv={cv!r} cannot split the rows of a dask array from their count alone "
            f"({exc}); pass an int, a KFold, or fold_ids.") from exc
    for k, (_, test) in enumerate(splits):
        if np.any(ids[test] >= 0):
            raise ValueError(f"cv={cv!r}: its test sets overlap; fastreg.dask needs "
                             "folds whose test sets partition the rows.")
        ids[test] = k
    if np.any(ids < 0):
        raise ValueError(f"cv={cv!r}: its test sets do not cover every row; "
                         "fastreg.dask needs folds whose test sets partition the rows.")
    return da.from_array(ids, chunks=(X.chunks[0],)), len(splits)


def check_client_memory(n_blocks, n_features, budget):
    """The client holds (blocks + 1) p x p float64 matrices (the blocks and their
    total; a training Gram per fold running on a thread)."""
    budget = CLIENT_MEMORY if budget is None else budget
    need = (n_blocks + 1) * n_features ** 2 * 8
    if need > budget:
        raise ValueError(
            f"The client would hold ({n_blocks} + 1) x {n_features}^2 float64 moments = "
            f"{need / 2**20:.0f} MiB, above client_memory={budget / 2**20:.0f} MiB: use "
            "fewer folds or fewer features, or raise client_memory.")


def one_pass(X, y, w, fold, n_folds, fit_intercept, dtype, rows_mse=False):
    """The pass: per-chunk moments, tree-reduced by Dask; returns a ``FoldSums``
    (``TargetsSums`` for 2-D y).
    X: a dask array with one chunk across its columns; y: an aligned 1-D dask array,
    or 2-D (n, T) for several targets; w, fold: aligned 1-D dask arrays (or None).
    With ``rows_mse``, test errors that cancel in the moments are recomputed from the
    rows (another pass, only when it happens)."""
    import dask
    X = X.rechunk({1: -1}) if X.numblocks[1] > 1 else X
    n_targets = None
    if y.ndim == 2:
        n_targets = int(y.shape[1])
        y = y.rechunk({1: -1}) if y.numblocks[1] > 1 else y
    parts = chunk_blocks(X, y, w, fold, n_folds, n_targets)
    counts, S, mx, my, cxx, cxy, cyy = dask.compute(tree_reduce(parts))[0]
    if np.sum(counts) == 0:
        raise ValueError("X has no rows.")
    if not np.sum(S) > 0:
        raise ValueError("sample_weight must not be all zero: its sum must be positive.")
    callback = None
    if rows_mse:
        def callback(k, coefs, intercepts):
            return fold_rows_mse(X, y, w, fold, k, moments.mu, moments.ybar, coefs,
                                 intercepts)
    cls = FoldSums if n_targets is None else TargetsSums
    moments = cls(counts, S, mx, my, cxx, cxy, cyy, fit_intercept, w is not None,
                  dtype, rows_mse=callback)
    return moments


class TargetsSums(FoldSums):
    """``FoldSums`` of several targets (2-D y, the multi-task problem): means of y
    (K, T), C_xy (K, p, T) and C_yy the trace of each block's target co-moments
    (what the multi-task training moments and test errors need). ``test_mse`` takes
    coefs (T, p, k) and intercepts (T, k) and returns the weighted mean over the
    test rows and the targets of the squared errors, as the in-memory multi-task CV.
    The set-up is FoldSums' (it takes 1-D or 2-D means of y)."""

    def test_mse(self, k, coefs, intercepts):
        M, v, s, sy, syy, S = self.blocks[k]
        coefs = np.asarray(coefs, dtype=np.float64)          # (T, p, a)
        b = np.asarray(intercepts, dtype=np.float64)          # (T, a)
        n_targets = coefs.shape[0]
        quad = np.einsum("tja,tja->a", coefs, np.einsum("ij,tja->tia", M, coefs))
        lin = np.einsum("tja,jt->a", coefs, v)
        cross = np.einsum("ta,ta->a", b, sy[:, None] - np.einsum("j,tja->ta", s, coefs))
        bb = np.einsum("ta,ta->a", b, b) * S
        total = syy - 2 * lin + quad - 2 * cross + bb
        scale = syy + np.abs(2 * lin) + np.abs(quad) + np.abs(2 * cross) + bb
        bad = ~(total >= 1e-6 * scale)
        if np.any(bad):
            if self.rows_mse is not None:
                total[bad] = S * n_targets * np.asarray(
                    self.rows_mse(k, coefs[..., bad], b[:, bad]))
            else:
                total[bad] = np.maximum(total[bad], 0.0)
        return total / (S * n_targets)


def fold_rows_mse(X, y, w, fold, k, mu, ybar, coefs, intercepts):
    """Weighted test MSE of fold k (rows where fold == k) for each column of coefs, in
    the globally centered frame, from the rows (a Dask pass); for 2-D y (coefs
    (T, p, a), intercepts (T, a)) the mean over the rows and the targets."""
    import dask.array as da
    coefs = np.asarray(coefs, dtype=np.float64)
    intercepts = np.asarray(intercepts, dtype=np.float64)
    Xg = X.astype(np.float64) - np.asarray(mu, dtype=np.float64)
    yg = y.astype(np.float64) - np.asarray(ybar, dtype=np.float64)
    if y.ndim == 1:
        sq = ((yg[:, None] - Xg @ coefs - intercepts) ** 2)
    else:
        sq = sum((yg[:, t:t + 1] - Xg @ coefs[t] - intercepts[t]) ** 2
                 for t in range(coefs.shape[0])) / coefs.shape[0]
    weight = da.ones_like(y if y.ndim == 1 else y[:, 0], dtype=np.float64) \
        if w is None else w.astype(np.float64)
    if fold is not None:
        weight = da.where(fold == k, weight, 0.0)
    sse, total = da.compute((weight[:, None] * sq).sum(axis=0), weight.sum())
    return sse / total


def chunk_loo(X, y, w, mu, ybar, V, q, shrink, scale, inv_total, fit_intercept):
    """Sum over one chunk of rows of the squared leave-one-out residuals of ridge, for
    each alpha: e_i = sqrt(w_i) (y_i - yhat_i) / (1 - h_ii), from the eigenvectors V
    of the (scaled) centered Gram matrix G = V diag(lam) V^T, q = V^T X^T y and
    ``shrink`` = 1 / (lam + alpha') (p, k); ``scale`` turns G's leverages into those of
    the weighted rows; ``inv_total`` = 1 / (sum of weights): the intercept's leverage
    w_i / S."""
    Z = (np.asarray(X, dtype=np.float64) - mu) @ V
    h = (Z * Z) @ shrink                                   # (m, k)
    r = (np.asarray(y, dtype=np.float64) - ybar)[:, None] - Z @ (q[:, None] * shrink)
    if w is None:
        h *= scale
        if fit_intercept:
            h += inv_total
    else:
        w = np.asarray(w, dtype=np.float64)
        h *= scale * w[:, None]
        if fit_intercept:
            h += (w * inv_total)[:, None]
        r *= np.sqrt(w)[:, None]
    e = r / (1.0 - h)
    return np.einsum("ik,ik->k", e, e)


def loo_pass(X, y, w, mu, ybar, V, q, shrink, scale, inv_total, fit_intercept):
    """The second pass of RidgeCV's leave-one-out: the sums of the squared
    leave-one-out residuals of every alpha (see ``chunk_loo``), tree-reduced."""
    import dask
    X = X.rechunk({1: -1}) if X.numblocks[1] > 1 else X
    blocks = X.to_delayed()[:, 0]
    ys = y.to_delayed()
    ws = [None] * len(blocks) if w is None else w.to_delayed()
    task = dask.delayed(chunk_loo, pure=True)
    args = [dask.delayed(a) for a in (mu, V, q, shrink)]
    parts = [task(xb, yb, wb, args[0], float(ybar), args[1], args[2], args[3],
                  float(scale), float(inv_total), fit_intercept)
             for xb, yb, wb in zip(blocks, ys, ws, strict=True)]
    add = dask.delayed(lambda parts: np.sum(parts, axis=0), pure=True)
    while len(parts) > 1:
        parts = [add(parts[i:i + SPLIT_EVERY]) for i in range(0, len(parts), SPLIT_EVERY)]
    return dask.compute(parts[0])[0]
