"""Duality gap and certification: the per-feature ingredients of the gap (inlined),
the gap of the full problem, of a working set, and the bounds that certify the
features a solve left out (see the docstring of _cd_fast.pyx for the formulas)."""
from cython cimport floating
from libc.math cimport fabs, INFINITY

from ._cd_problem cimport Problem, Inner
from ._cd_prox cimport _clip


cdef inline double _dual_limit(double xta, double l1j, double lo, double hi) noexcept nogil:
    """Largest s for which s * xta satisfies the dual constraint of a feature whose
    bound on that side is infinite (INFINITY when no scaling is needed)."""
    if xta > l1j and hi == INFINITY:
        return l1j / xta
    if xta < -l1j and lo == -INFINITY:
        return l1j / -xta
    return INFINITY


cdef inline double _hstar_l1(double v, double l1j, double lo, double hi) noexcept nogil:
    """Conjugate of t -> l1j |t| on [lo, hi]: sup_t v t - l1j |t| (a piecewise linear
    concave function: its sup is at a finite bound or at 0)."""
    cdef double best = -INFINITY, val
    if lo <= 0 and hi >= 0:
        best = 0
    # v t - l1j |t| = t (v - l1j) for t >= 0, t (v + l1j) for t <= 0 (no inf - inf
    # for huge bounds)
    if lo > -INFINITY:
        val = lo * (v - l1j) if lo >= 0 else lo * (v + l1j)
        if not val <= best:
            best = val
    if hi < INFINITY:
        val = hi * (v - l1j) if hi >= 0 else hi * (v + l1j)
        if not val <= best:
            best = val
    return best


cdef inline double _hstar_l2(double v, double l2j, double lo, double hi) noexcept nogil:
    """Conjugate of t -> 0.5 l2j t^2 on [lo, hi]: sup_t v t - 0.5 l2j t^2."""
    cdef double t = _clip(v / l2j, lo, hi)
    return v * t - 0.5 * l2j * t * t


cdef struct GapSums:
    # per-feature ingredients of the duality gap, summed over a set of features
    double w_l1       # sum_j l1_j |w_j|
    double w_l2       # sum_j l2_j w_j^2
    double smin       # l1 > 0: min_j of the dual scaling limits (_dual_limit)
    # l1 > 0: the same, as if every bound were infinite (with far finite bounds, scaling
    # beats paying h*_l1 at the bound)
    double smin_all
    # l1 = 0 < l2: sum_j h*_l2(x_j^T R); l1 = l2 = 0: squared gradient along the
    # feasible directions
    double h


cdef inline void _gap_init(GapSums* a) noexcept nogil:
    a.w_l1 = 0
    a.w_l2 = 0
    a.smin = INFINITY
    a.smin_all = INFINITY
    a.h = 0


cdef inline void _gap_add(GapSums* a, double l1, double l2, double wj, double gj,
                          double l1j, double l2j, double lo, double hi) noexcept nogil:
    """Add feature j (coefficient wj, gj = x_j^T R, penalties l1j, l2j, bounds)."""
    cdef double lim
    a.w_l1 += l1j * fabs(wj)
    a.w_l2 += l2j * wj * wj
    if l1 > 0:
        lim = _dual_limit(gj - l2j * wj, l1j, lo, hi)
        if lim < a.smin:
            a.smin = lim
        lim = _dual_limit(gj - l2j * wj, l1j, -INFINITY, INFINITY)
        if lim < a.smin_all:
            a.smin_all = lim
    elif l2 > 0:
        a.h += _hstar_l2(gj, l2j, lo, hi)
    elif (gj > 0 and wj < hi) or (gj < 0 and wj > lo):
        a.h += gj * gj


cdef inline double _gap_scale(GapSums* a) noexcept nogil:
    """The scaling s of the dual point theta = s R (formulation A)."""
    return a.smin if a.smin < 1 else 1.0


cdef inline double _gap_scale_all(GapSums* a) noexcept nogil:
    """The scaling that makes theta = s R feasible for every feature, bounded or not."""
    return a.smin_all if a.smin_all < 1 else 1.0


cdef double _gap(double l1, double l2, GapSums* a, double RR, double Ry,
                 double h_box, double s=*) noexcept nogil
cdef void _gap_plain(Problem* P, floating* w, floating* g, const int* feats, int k,
                     GapSums* a) noexcept nogil
cdef double _full_gap(Problem* P, floating* w, floating* R, floating* g,
                      const int* feats, int k, double* s_out) noexcept nogil
cdef void _inner_gaps(Problem* P, Inner* S, floating* wW, double* gap_W,
                      double* gap_A) noexcept nogil
cdef void _gap_plain_scale(Problem* P, floating* w, floating* g, const int* feats,
                           int k, double* s_out) noexcept nogil
cdef void _ref_set(Problem* P, floating* R, floating* g) noexcept nogil
cdef int _all_grad(Problem* P, floating* w, floating* R, floating* g, int* feats,
                   int n_supp, const int* supp) noexcept nogil
cdef int _certify(Problem* P, floating* w, floating* R, floating* g, int* feats,
                  int n_kept, double s, double limit) noexcept nogil
