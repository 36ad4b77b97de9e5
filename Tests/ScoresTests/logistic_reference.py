"""Reference solution for LogisticRegressionTests: L2-regularised logistic regression
(intercept not penalised) minimised by SciPy's BFGS, independently of our Newton/IRLS.
Run: .venv-reference/bin/python Tests/ScoresTests/logistic_reference.py"""
import numpy as np
from scipy.optimize import minimize

X = np.array([[0.5, 1.2], [1.5, -0.3], [-0.7, 0.8], [2.1, 1.1], [-1.2, -0.5], [0.3, -1.4],
              [1.8, 0.4], [-0.4, 2.0], [0.9, 0.9], [-1.6, 1.3], [1.1, -0.8], [-0.2, -0.1]])
y = np.array([1, 1, 0, 1, 0, 0, 1, 0, 1, 0, 0, 1], dtype=float)
lam = 1.0

def objective(beta):
    w, b = beta[:2], beta[2]
    z = X @ w + b
    loss = np.sum(np.logaddexp(0, z) - y * z) + lam / 2 * w @ w
    p = 1 / (1 + np.exp(-z))
    grad = np.concatenate([X.T @ (p - y) + lam * w, [np.sum(p - y)]])
    return loss, grad

result = minimize(objective, np.zeros(3), jac=True, method="BFGS", options={"gtol": 1e-13, "maxiter": 10000})
print(repr(result.x.tolist()))
