"""Data for the demo: a seeded synthetic design with groups of correlated features, and
a loader for the riboflavin data of the shared data folder.

The shared data folder is not part of fastreg (its licences forbid redistribution); it
is found, in this order, at the ``data_home`` argument, at ``$FASTREG_DATA``, at
``../shared/data`` relative to the current directory, and at ``../shared/data`` next to
a source checkout of fastreg.
"""
from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = ["find_data_dir", "load_riboflavin", "make_correlated_groups"]


def make_correlated_groups(n_samples: int = 100, *, n_groups: int = 20,
                           group_size: int = 5, correlation: float = 0.9,
                           n_informative_groups: int = 3, noise: float = 4.0,
                           random_state: int | None = 0,
                           ) -> tuple[NDArray, NDArray, NDArray]:
    """Regression data whose features come in groups of strongly correlated columns.

    Each group shares one latent standard normal factor: feature j of group g is
    ``sqrt(correlation) * z_g + sqrt(1 - correlation) * e_j``, so every feature has
    unit variance and two features of the same group have correlation
    ``correlation`` (features of different groups are independent). Every feature of
    the first ``n_informative_groups`` groups has coefficient 1, all others 0, and
    ``y = X @ coef + noise * e``. On such data the Lasso tends to keep one or a few
    members of each informative group and drop the others, while the elastic net
    keeps the groups together.

    Parameters
    ----------
    n_samples : int, default=100
        Number of samples.
    n_groups : int, default=20
        Number of groups of features.
    group_size : int, default=5
        Number of features in each group (``n_features = n_groups * group_size``).
    correlation : float, default=0.9
        Correlation between two features of the same group, in [0, 1).
    n_informative_groups : int, default=3
        Number of leading groups whose features all have coefficient 1.
    noise : float, default=4.0
        Standard deviation of the Gaussian noise added to y.
    random_state : int, default=0
        Seed of :func:`numpy.random.default_rng`: the same seed gives the same data.

    Returns
    -------
    X : ndarray of shape (n_samples, n_groups * group_size)
        The features, group by group (columns ``g * group_size`` to
        ``(g + 1) * group_size - 1`` form group g).
    y : ndarray of shape (n_samples,)
        The target.
    coef : ndarray of shape (n_groups * group_size,)
        The true coefficients (1 on the informative groups, 0 elsewhere).

    See Also
    --------
    load_riboflavin : Real data of the same kind (correlated genes, p >> n).
    fastreg.ElasticNet : Keeps correlated groups together, where the Lasso picks.
    sklearn.datasets.make_regression : scikit-learn's synthetic regression data
        (with a low-rank option, ``effective_rank``, but no groups).

    Notes
    -----
    Feature j of group g is ``sqrt(c) * z_g + sqrt(1 - c) * e_j`` with ``z_g`` and
    ``e_j`` independent standard normal columns and ``c = correlation``; ``y = X @
    coef + noise * e``. The draws come from one :func:`numpy.random.default_rng`
    generator in a fixed order (the factors, the features' own terms, the noise),
    so the data depend only on the arguments.

    Examples
    --------
    >>> import numpy as np
    >>> from fastreg.datasets import make_correlated_groups
    >>> X, y, coef = make_correlated_groups(n_samples=50)
    >>> X.shape, int(coef.sum())
    ((50, 100), 15)
    >>> r = np.corrcoef(make_correlated_groups(n_samples=20000)[0][:, :6].T)
    >>> print(np.round(r[0, 1:], 1))         # within group 0, then group 1
    [0.9 0.9 0.9 0.9 0. ]
    """
    if not 0 <= correlation < 1:
        raise ValueError(f"correlation must be in [0, 1), got {correlation!r}.")
    if not 0 <= n_informative_groups <= n_groups:
        raise ValueError(f"n_informative_groups must be in [0, n_groups={n_groups}], "
                         f"got {n_informative_groups!r}.")
    rng = np.random.default_rng(random_state)
    factors = rng.standard_normal((n_samples, n_groups))
    own = rng.standard_normal((n_samples, n_groups * group_size))
    X = (np.sqrt(correlation) * np.repeat(factors, group_size, axis=1)
         + np.sqrt(1 - correlation) * own)
    coef = np.zeros(n_groups * group_size)
    coef[:n_informative_groups * group_size] = 1.0
    y = X @ coef + noise * rng.standard_normal(n_samples)
    return X, y, coef


def _candidate_data_dirs(data_home=None):
    """[(folder, where the candidate comes from)], in the order they are tried."""
    if data_home is not None:
        return [(Path(data_home).expanduser(), "the data_home argument")]
    candidates = []
    if os.environ.get("FASTREG_DATA"):
        candidates.append((Path(os.environ["FASTREG_DATA"]).expanduser(),
                           "$FASTREG_DATA"))
    candidates.append((Path.cwd().parent / "shared" / "data",
                       "../shared/data from the current directory"))
    checkout = Path(__file__).resolve().parent.parent
    if (checkout / "pyproject.toml").is_file():       # a source checkout, not installed
        candidates.append((checkout.parent / "shared" / "data",
                           "../shared/data next to the fastreg checkout"))
    return candidates


def find_data_dir(data_home: str | os.PathLike | None = None) -> Path | None:
    """The shared data folder (the one holding ``load.py``), or None.

    Parameters
    ----------
    data_home : str or path-like, default=None
        The folder to use. None: ``$FASTREG_DATA`` if set, else ``../shared/data``
        relative to the current directory, else, when fastreg runs from a source
        checkout, ``../shared/data`` next to it (the first that holds a ``load.py``).

    Returns
    -------
    path : pathlib.Path or None
        The folder, or None when no candidate holds a ``load.py``.

    See Also
    --------
    load_riboflavin : Reads the riboflavin data from this folder.

    Notes
    -----
    The shared data folder holds the real datasets that fastreg's tests and demo
    compare with scikit-learn on; it is not part of fastreg (their licences forbid
    redistribution). Without it, the tests that need it are skipped and the demo
    runs on the other datasets.

    Examples
    --------
    >>> import tempfile
    >>> from fastreg.datasets import find_data_dir
    >>> with tempfile.TemporaryDirectory() as empty:
    ...     print(find_data_dir(empty))        # no load.py there
    None
    """
    for path, _ in _candidate_data_dirs(data_home):
        if (path / "load.py").is_file():
            return path.resolve()
    return None


def load_riboflavin(data_home: str | os.PathLike | None = None,
                    ) -> tuple[NDArray, NDArray, NDArray]:
    """The riboflavin data (71 samples, 4088 gene expressions) of the shared folder.

    The target is the log riboflavin production rate of Bacillus subtilis; the
    features are log expression levels of 4088 genes, many of them strongly
    correlated: a classic p >> n problem. Read with the folder's own ``load.py``.

    Parameters
    ----------
    data_home : str or path-like, default=None
        The shared data folder; None searches as :func:`find_data_dir`.

    Returns
    -------
    X : ndarray of shape (71, 4088)
        Gene expressions.
    y : ndarray of shape (71,)
        Log riboflavin production rate.
    feature_names : ndarray of shape (4088,)
        Gene names.

    Raises
    ------
    FileNotFoundError
        When the folder cannot be found; the message lists the places tried.

    See Also
    --------
    find_data_dir : Where the data are looked for.
    make_correlated_groups : Synthetic data with correlated groups of features.

    Notes
    -----
    The data (Buhlmann, Kalisch and Meier, 2014) are read by the shared folder's
    ``load.py`` as ``load("riboflavin", feature_names=True)``; they are not shipped
    with fastreg. R users know them from the ``hdi`` package.

    Examples
    --------
    >>> from fastreg.datasets import find_data_dir, load_riboflavin
    >>> if find_data_dir() is not None:        # only where the shared folder is
    ...     X, y, genes = load_riboflavin()
    ...     assert X.shape == (71, 4088) and y.shape == (71,) and len(genes) == 4088
    """
    path = find_data_dir(data_home)
    if path is None:
        tried = ", ".join(f"{p} ({origin})" for p, origin in
                          _candidate_data_dirs(data_home))
        raise FileNotFoundError(f"no shared data folder (one with load.py) at {tried}")
    spec = importlib.util.spec_from_file_location("_fastreg_shared_data_load",
                                                  path / "load.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    X, y, feature_names = module.load("riboflavin", feature_names=True)
    return np.asarray(X, dtype=np.float64), np.asarray(y, dtype=np.float64), \
        np.asarray(feature_names)
