"""
Choosing alpha by cross-validation: LassoCV on the diabetes data
================================================================

:class:`fastreg.LassoCV` solves the Lasso along a grid of 100 alphas on each of 5
training folds and records the test error of every alpha. The left panel shows the
mean test error with one-standard-error bars (:func:`fastreg.plotting.plot_cv`):
``alpha_min_`` has the smallest error, and ``alpha_1se_`` is the largest alpha
whose error is within one standard error of it, glmnet's rule for a sparser model
that cross-validation cannot tell apart from the best one. The right panel shows
the coefficients along the same grid (:func:`fastreg.plotting.plot_path`): they
reach zero one after another as alpha grows.

The ten features are standardized first, so that the penalty treats them alike
and the coefficients are comparable.
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.datasets import load_diabetes
from sklearn.preprocessing import StandardScaler

import fastreg
from fastreg.plotting import plot_cv, plot_path

data = load_diabetes()
X = StandardScaler().fit_transform(data.data)
y = data.target

cv = fastreg.LassoCV(cv=5).fit(X, y)
print(f"alpha_min_ = {cv.alpha_min_:.3g}: {np.count_nonzero(cv.coef_)} features")
sparse = fastreg.LassoCV(cv=5, alpha_select="1se").fit(X, y)
print(f"alpha_1se_ = {cv.alpha_1se_:.3g}: {np.count_nonzero(sparse.coef_)} features")

fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.5), layout="constrained")
plot_cv(cv, ax=left)
plot_path(cv, X, y, feature_names=data.feature_names, ax=right)
plt.show()
