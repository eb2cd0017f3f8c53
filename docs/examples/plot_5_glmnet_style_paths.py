"""
glmnet-style paths: the Lasso path against log alpha, L1 norm and deviance
==========================================================================

:class:`fastreg.LassoPath` keeps the whole path of the diabetes Lasso, as R's
``glmnet`` object does. :func:`fastreg.plotting.plot_path` draws it as glmnet's
``plot(fit, xvar=, label=TRUE)``: against alpha on a log scale, against the L1
norm of the coefficients (glmnet's default), and against the fraction of deviance
explained, with the number of nonzero coefficients on the top axis and each
feature named at the end of its line. The last panel is
:func:`fastreg.plotting.plot_cv` of :class:`fastreg.LassoCV`, whose top axis
counts the nonzero coefficients of the path it keeps on all the data (glmnet's
``plot.cv.glmnet``).
"""

import matplotlib.pyplot as plt
from sklearn.datasets import load_diabetes
from sklearn.preprocessing import StandardScaler

import fastreg
from fastreg.plotting import plot_cv, plot_path

data = load_diabetes()
X = StandardScaler().fit_transform(data.data)
y = data.target

path = fastreg.LassoPath().fit(X, y)
print(path.summary())
cv = fastreg.LassoCV(cv=5).fit(X, y)

fig, axes = plt.subplots(2, 2, figsize=(11, 8), layout="constrained")
names = data.feature_names
plot_path(path, xvar="alpha", label=True, feature_names=names, legend=False,
          ax=axes[0, 0])
plot_path(path, xvar="norm", label=True, feature_names=names, legend=False,
          ax=axes[0, 1])
plot_path(cv, xvar="dev", label=True, feature_names=names, legend=False,
          ax=axes[1, 0])
plot_cv(cv, ax=axes[1, 1])
plt.show()
