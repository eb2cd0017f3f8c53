"""
Lasso, elastic net and ridge on correlated groups of features
=============================================================

:func:`fastreg.datasets.make_correlated_groups` makes 100 features in 20 groups of
5, correlated at 0.9 within a group; the 15 features of the first three groups
drive y, the 85 others are noise. Each model's alpha is chosen by 5-fold
cross-validation, and its path is drawn with the three informative groups in
colour and the noise features in gray.

The Lasso picks some members of each informative group and drops the others; the
elastic net (``l1_ratio=0.5``) lets the members of a group enter together; ridge
keeps every feature, shrinking the correlated ones together.
"""

import matplotlib.pyplot as plt
import numpy as np

import fastreg
from fastreg.datasets import make_correlated_groups
from fastreg.plotting import plot_path

X, y, coef = make_correlated_groups(random_state=0)
group = np.arange(X.shape[1]) // 5
colors = [f"C{g}" if g < 3 else "0.75" for g in group]

models = {
    "Lasso": fastreg.LassoCV(cv=5),
    "ElasticNet": fastreg.ElasticNetCV(l1_ratio=0.5, cv=5),
    "Ridge": fastreg.RidgeCV(alphas=np.logspace(-2, 4, 25)),
}
fig, axes = plt.subplots(1, 3, figsize=(14, 4.5), layout="constrained")
for (name, model), ax in zip(models.items(), axes):
    model.fit(X, y)
    kept = np.flatnonzero(model.coef_)
    print(f"{name}: {np.sum(kept < 15)} of 15 informative features, "
          f"{np.sum(kept >= 15)} noise features")
    plot_path(model, X, y, colors=colors, ax=ax)
plt.show()
