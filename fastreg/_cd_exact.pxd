"""The exact solve on the active set of a working set: Cholesky (kept and extended
between solves along a path), null steps for a singular G_AA, and the active-set
rounds."""
from cython cimport floating
from libc.math cimport fabs

from ._cd_problem cimport Problem, Inner


cdef enum:
    # the kept factor of G_FF + l2' I serves a solve at another l2 while |l2' - l2| is
    # at most CHOL_SHIFT_PCT percent of both (as the preconditioner of conjugate
    # gradients, see _chol_solve): l2' / 2 <= l2 <= 2 l2'; farther, the iterations
    # would cost more than a factorization
    CHOL_SHIFT_PCT = 100
    # multiply-adds (times k^2) of such a solve on k features, for the callers' cost
    # estimates (an iteration: two triangular solves, k^2; about three iterations on
    # the default grid)
    CHOL_CG_COST = 8
    CG_MAX = 40      # iterations of one such solve
    APPEND_TRSV = 8  # up to this many rows appended to the factor by triangular solves


cdef inline bint _chol_near(Problem* P, Inner* S) noexcept nogil:
    """Whether the kept factor can serve a solve at P.l2 (its own l2, or a nearby one
    along an elastic-net path, where l2 changes with every alpha)."""
    return P.l2 == S.chol_l2 or (P.l2 > 0 and S.chol_l2 > 0 and
                                 100 * fabs(S.chol_l2 - P.l2) <=
                                 CHOL_SHIFT_PCT * min(P.l2, S.chol_l2))


cdef inline double _chol_solve_cost(Problem* P, Inner* S, int k) noexcept nogil:
    """Multiply-adds of an exact solve on k features from the kept factor, beyond the
    rows it lacks (two triangular solves; at another l2, the iterations too)."""
    if P.l2 == S.chol_l2:
        return 2.0 * k * k
    return <double> CHOL_CG_COST * k * k


cdef bint _newton(Problem* P, Inner* S, int nA, floating* wW) noexcept nogil
