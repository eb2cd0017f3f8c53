"""
Many more genes than samples: the riboflavin data
=================================================

71 samples of Bacillus subtilis, the log expression levels of 4088 genes and the
log riboflavin production rate (read from the shared data folder by
:func:`fastreg.datasets.load_riboflavin`; this example is built only where that
folder is found). With p >> n the Lasso can keep at most 71 genes; the elastic
net, which keeps correlated genes together, is cross-validated over several
``l1_ratio`` values and the curve of the best one is drawn.
"""

import matplotlib.pyplot as plt
import numpy as np
from sklearn.preprocessing import StandardScaler

import fastreg
from fastreg.datasets import load_riboflavin
from fastreg.plotting import plot_cv, plot_path

X, y, genes = load_riboflavin()
X = StandardScaler().fit_transform(X)

cv = fastreg.ElasticNetCV(l1_ratio=[0.5, 0.9, 1.0], cv=5).fit(X, y)
print(f"l1_ratio_ = {cv.l1_ratio_}, alpha_ = {cv.alpha_:.3g}, "
      f"alpha_1se_ = {cv.alpha_1se_:.3g}, {np.count_nonzero(cv.coef_)} genes kept")

fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.5), layout="constrained")
plot_cv(cv, ax=left)
plot_path(cv, X, y, ax=right)
plt.show()
