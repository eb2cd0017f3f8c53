"""Which dual point certifies the saturated end of a path: `python -m bench.dualpoint`.

In NumPy, at one alpha of a grid path (default: we8there's last, alpha #99): cyclic
coordinate descent on the support of the solution, from the previous alpha's solution
(the warm start), optionally with Anderson extrapolation of the primal iterates every
K + 1 sweeps kept when it lowers the objective (as the kernel's active phases do). Every
`--every` sweeps it prints the suboptimality P(w) - P(w*) and the duality gaps (all in
units of ||y||^2 / n) at three dual points: s R (the kernel's), and the dual
extrapolation of the last K + 1 residuals (Massias, Gramfort & Salmon 2018, "Celer"),
r = sum_k c_k R_k with c minimizing ||sum_k c_k (R_{k+1} - R_k)||, sum c = 1, rescaled to
feasibility, for K = 5 and K = 10. w* is fastreg's solution at tol 1e-14.

    python -m bench.dualpoint --sweeps 60 --anderson
"""
import argparse
import warnings

import numpy as np
import scipy.sparse as sp

from . import workloads


def _extrapolated(Rs):
    """The dual extrapolation of the residuals Rs (K + 1, n)."""
    U = np.diff(Rs, axis=0)
    C = U @ U.T
    C += 1e-12 * np.trace(C) * np.eye(len(U))
    z = np.linalg.solve(C, np.ones(len(U)))
    return (z / z.sum()) @ Rs[1:]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-w", "--workload", default="path-we8there-sparse")
    ap.add_argument("--alpha", type=int, default=-1, help="index into the grid")
    ap.add_argument("--sweeps", type=int, default=60)
    ap.add_argument("--every", type=int, default=6,
                    help="print every that many sweeps (before the Anderson step)")
    ap.add_argument("--anderson", action="store_true",
                    help="Anderson extrapolation of the primal iterates (K = 5)")
    args = ap.parse_args(argv)
    from fastreg import lasso_path

    wl = workloads.get(args.workload)
    X = sp.csc_matrix(wl.X64) if sp.issparse(wl.X64) else np.asfortranarray(wl.X64)
    y = np.asarray(wl.y64, dtype=np.float64)
    n = X.shape[0]
    alphas = np.asarray(wl.alphas)
    k = args.alpha % len(alphas)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _, coefs, _ = lasso_path(X, y, alphas=alphas[:k + 1], tol=1e-14, max_iter=200000)
    l1 = alphas[k] * n
    unit = (y @ y) / n

    def objective(w):
        return 0.5 * np.sum((y - X @ w) ** 2) + l1 * np.abs(w).sum()

    def gap(w, r):
        c = X.T @ r
        s = min(1.0, l1 / np.abs(c).max())
        return (objective(w) - (-0.5 * s * s * (r @ r) + s * (r @ y))) / n / unit

    best = objective(coefs[:, k])
    A = np.flatnonzero(coefs[:, k])
    XA = sp.csc_matrix(X[:, A]) if sp.issparse(X) else X[:, A]
    cols = [XA[:, [t]].toarray().ravel() if sp.issparse(XA) else XA[:, t]
            for t in range(len(A))]
    nrm = np.array([c @ c for c in cols])
    w = coefs[:, k - 1].copy() if k > 0 else np.zeros(X.shape[1])
    R = y - X @ w
    Rs, Ws = [], []
    print(f"{args.workload} alpha #{k}: n = {n}, support {len(A)}, "
          f"anderson = {args.anderson}; gaps and suboptimality in ||y||^2 / n")
    print("| sweep | subopt | gap at s R | extrapolated K = 5 | K = 10 |")
    print("|---|---|---|---|---|")
    for sweep in range(1, args.sweeps + 1):
        for t, j in enumerate(A):
            z = w[j] + (cols[t] @ R) / nrm[t]
            new = np.sign(z) * max(abs(z) - l1 / nrm[t], 0.0)
            if new != w[j]:
                R -= (new - w[j]) * cols[t]
                w[j] = new
        Rs.append(R.copy())
        Ws.append(w[A].copy())
        if sweep % args.every == 0:
            g5 = gap(w, _extrapolated(np.array(Rs[-6:]))) if len(Rs) >= 6 else np.nan
            g10 = gap(w, _extrapolated(np.array(Rs[-11:]))) if len(Rs) >= 11 else np.nan
            print(f"| {sweep} | {(objective(w) - best) / n / unit:.2e} | "
                  f"{gap(w, R):.2e} | {g5:.2e} | {g10:.2e} |")
        if args.anderson and len(Ws) >= 6 and sweep % 6 == 0:
            wa = w.copy()
            wa[A] = _extrapolated(np.array(Ws[-6:]))
            if objective(wa) < objective(w):
                w = wa
                R = y - X @ w
                Rs, Ws = [R.copy()], [w[A].copy()]


if __name__ == "__main__":
    main()
