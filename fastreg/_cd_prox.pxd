"""Proximal step and coefficient bounds: the scalar helpers of a coordinate update
(``noexcept nogil``, inlined into the kernels)."""
from cython cimport floating
from libc.math cimport INFINITY

from ._cd_problem cimport Problem


cdef inline floating _prox(floating z, double l1, double denom, bint positive) noexcept nogil:
    """argmin_t 0.5 denom t^2 - z t + l1 |t|   (t >= 0 if positive)."""
    if denom <= 0:
        return 0
    if z > l1:
        return <floating> ((z - l1) / denom)
    if z < -l1 and not positive:
        return <floating> ((z + l1) / denom)
    return 0


cdef inline double _clip(double t, double lo, double hi) noexcept nogil:
    if t < lo:
        return lo
    if t > hi:
        return hi
    return t


cdef inline double _pf(Problem* P, int j) noexcept nogil:
    return 1.0 if P.pf == NULL else P.pf[j]


cdef inline double _lo(Problem* P, int j) noexcept nogil:
    """Lower bound of coefficient j."""
    if P.box:
        return P.lb[j]
    return 0.0 if P.positive else -INFINITY


cdef inline double _hi(Problem* P, int j) noexcept nogil:
    """Upper bound of coefficient j."""
    return P.ub[j] if P.box else INFINITY


cdef inline double _veff(double v, double lo, double hi) noexcept nogil:
    """How far the gradient v = x_j^T R pushes coefficient j away from 0 in a
    direction its bounds allow (|v| without bounds, v if positive)."""
    cdef double e = -INFINITY
    if hi > 0:
        e = v
    if lo < 0 and -v > e:
        e = -v
    return e
