"""Per-step measures of recorded runs, computed here so scenes only display them."""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike, NDArray


def sign_flips(values: ArrayLike) -> NDArray[np.int64]:
    """Count, at every index, how often ``values`` has changed sign so far.

    A move to or from exactly 0 counts as a change, since the sign differs.
    """
    v = np.asarray(values, dtype=np.float64)
    changes = np.sign(v[1:]) != np.sign(v[:-1])
    return np.concatenate([[0], np.cumsum(changes)]).astype(np.int64)


def percent_of_way(values: ArrayLike, target: float = 0.0) -> NDArray[np.float64]:
    """Share of the starting distance to ``target`` covered at every index, in %."""
    v = np.asarray(values, dtype=np.float64)
    start = abs(v[0] - target)
    if start == 0:
        raise ValueError("the run starts at its target, so no share can be computed")
    return 100.0 * (1.0 - np.abs(v - target) / start)


def filter_gain(velocity: ArrayLike, grads: ArrayLike) -> NDArray[np.float64]:
    """Running ratio sum|v| / sum|g| per coordinate, after each step.

    A momentum buffer adds up gradients that keep their sign, a gain near
    1/(1-beta), and cancels gradients that flip, a gain below 1. Rows are steps,
    columns coordinates; a coordinate whose gradients so far are all 0 gets NaN.
    """
    v = np.abs(np.asarray(velocity, dtype=np.float64))
    g = np.abs(np.asarray(grads, dtype=np.float64))
    if v.shape != g.shape:
        raise ValueError(f"velocity {v.shape} and gradients {g.shape} differ in shape")
    total_g = np.cumsum(g, axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total_g > 0, np.cumsum(v, axis=0) / total_g, np.nan)
