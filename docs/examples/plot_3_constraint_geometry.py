"""
Why the Lasso sets coefficients to zero and Ridge does not
==========================================================

A penalized least-squares solution is also the least-squares solution constrained
to a ball of the penalty's norm. With two features (body mass index and blood
pressure from the diabetes data, standardized), the ellipses are the contours of the
squared error around the least-squares point; the Lasso's solution is where the
smallest of them touches the L1 ball (a diamond), Ridge's where one touches the L2
ball (a circle). The diamond's corners lie on the axes, and the ellipse first meets
it at a corner, where one coefficient is exactly zero; on the circle there is no
such point.
"""

import matplotlib.pyplot as plt
from sklearn.datasets import load_diabetes
from sklearn.preprocessing import StandardScaler

from fastreg.plotting import plot_constraint_geometry

data = load_diabetes()
X = StandardScaler().fit_transform(data.data[:, [2, 3]])    # bmi, bp

fig, ax = plt.subplots(figsize=(6.5, 6.5), layout="constrained")
plot_constraint_geometry(X, data.target, feature_names=["bmi", "bp"], ax=ax)
plt.show()
