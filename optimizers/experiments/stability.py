"""Experiments of the stability limit: SGD on the ravine just below and above it.

On the quadratic 0.5 w^T A w, SGD multiplies the coordinate along each principal
axis by 1 - lr*lambda per step, so it converges only when |1 - lr*lambda| < 1 for
every curvature lambda, that is lr < 2/lambda_max. On the ravine 0.5(x^2 + 50y^2)
lambda_max = 50 and the limit is 0.04. At lr = 0.035 the steep coordinate shrinks by
|1 - 1.75| = 0.75 per step; at lr = 0.05 it grows by |1 - 2.5| = 1.5 while flipping
sign, and the run diverges.

The start is (-4.5, 0.2) rather than the other ravine clips' (-4.5, 1.5): growing
1.5 times a step, y = 1.5 would leave the plotted band |y| <= 1.2 at once; from
0.2 it leaves the band at step 5, long before the recorder flags it (its loss
passes 1e6 times the start at step 21). The view is |x| <= 5, |y| <= 1.2.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

from ..surfaces import SURFACES
from .registry import Arrays, experiment, record_surface_runs

#: The plotted window of the ravine, in data units; the scene draws exactly this.
VIEW_X = (-5.0, 5.0)
VIEW_Y = (-1.2, 1.2)


def exit_step(
    positions: ArrayLike, x_range: tuple[float, float], y_range: tuple[float, float]
) -> int:
    """Return the first step whose point lies outside the window, or -1 if none.

    A non-finite point counts as outside.
    """
    p = np.asarray(positions, dtype=np.float64)
    (x0, x1), (y0, y1) = x_range, y_range
    with np.errstate(invalid="ignore"):
        inside = (p[:, 0] >= x0) & (p[:, 0] <= x1) & (p[:, 1] >= y0) & (p[:, 1] <= y1)
    outside = np.flatnonzero(~inside)
    return int(outside[0]) if outside.size else -1


def build_stability(config: dict) -> Arrays:
    """Record the runs, then the limit 2/lambda_max and each run's growth factors.

    ``stability/lambda_max`` is the largest eigenvalue of the surface's Hessian and
    ``stability/limit`` is 2/lambda_max. ``<label>/growth`` is |1 - lr*lambda|
    per principal axis, ascending with lambda: a value above 1 means that axis
    grows every step. ``<label>/exit_step`` is the first step outside the view
    (-1 if none).
    """
    arrays = record_surface_runs(config)
    eigenvalues = np.linalg.eigvalsh(SURFACES[config["surface"]].hessian)
    lambda_max = float(eigenvalues[-1])
    arrays["stability/lambda_max"] = np.array(lambda_max)
    arrays["stability/limit"] = np.array(2.0 / lambda_max)
    for label, (_, hyperparameters) in config["runs"].items():
        lr = float(hyperparameters["lr"])
        arrays[f"{label}/growth"] = np.abs(1.0 - lr * eigenvalues)
        arrays[f"{label}/exit_step"] = np.array(
            exit_step(arrays[f"{label}/positions"], config["view_x"], config["view_y"])
        )
    return arrays


experiment(
    "ravine_divergence",
    "SGD on the ravine 0.5(x^2 + 50y^2) below and above lr = 2/50",
    surface="ravine",
    start=[-4.5, 0.2],
    steps=60,
    view_x=list(VIEW_X),
    view_y=list(VIEW_Y),
    runs={
        "below": ["SGD", {"lr": 0.035}],
        "above": ["SGD", {"lr": 0.05}],
    },
)(build_stability)
