"""fastreg: fast L1 / L2 / elastic-net regularized linear regression.

Drop-in replacements for scikit-learn's estimators and path functions, solved by
coordinate descent in compiled code (see ``fastreg/_cd_fast.pyx``).
"""
import numpy  # noqa: F401  (loaded first, with its own settings)

from ._openmp import passive_waits

with passive_waits():
    # the kernels, which load GNU OpenMP: it reads its waiting policy then, once
    from . import _cd_fast  # noqa: F401

from ._cv import ElasticNetCV, LassoCV, MultiTaskElasticNetCV, MultiTaskLassoCV
from ._elastic_net import ElasticNet, Lasso
from ._multitask import MultiTaskElasticNet, MultiTaskLasso
from ._path import enet_path, lasso_path
from ._path_model import ElasticNetPath, LassoPath
from ._ridge import Ridge, RidgeCV

__all__ = [
    "ElasticNet", "ElasticNetCV", "ElasticNetPath", "Lasso", "LassoCV", "LassoPath",
    "MultiTaskElasticNet",
    "MultiTaskElasticNetCV", "MultiTaskLasso", "MultiTaskLassoCV", "Ridge", "RidgeCV",
    "enet_path", "lasso_path",
]
__version__ = "0.1.0"
