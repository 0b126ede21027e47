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


def bias_correction_factor(beta: float, steps: int) -> NDArray[np.float64]:
    r"""Return the factor :math:`1/(1-\beta^t)` of Adam's bias correction, t = 1..steps.

    It multiplies a moving average started at zero. It starts at ``1/(1-beta)`` and
    falls towards 1 as the weight of the zero start, ``beta**t``, dies away.
    """
    if not 0.0 <= beta < 1.0:
        raise ValueError(f"Invalid beta: {beta!r} (expected a number in [0, 1))")
    if not isinstance(steps, (int, np.integer)) or steps < 1:
        raise ValueError(f"Invalid steps: {steps!r} (expected a whole number >= 1)")
    t = np.arange(1, steps + 1, dtype=np.float64)
    return 1.0 / (1.0 - beta**t)


def variance_ratio(
    smoothed: ArrayLike, raw: ArrayLike, skip: int = 0
) -> NDArray[np.float64]:
    """Return the variance over steps of ``smoothed`` over that of ``raw``, per column.

    Rows are steps, and the first ``skip`` rows (the start-up) are left out. A value
    below 1 means the smoothed series varies less than the raw one.
    """
    s = np.asarray(smoothed, dtype=np.float64)[skip:]
    r = np.asarray(raw, dtype=np.float64)[skip:]
    if s.shape != r.shape:
        raise ValueError(f"smoothed {s.shape} and raw {r.shape} differ in shape")
    if len(r) < 2:
        raise ValueError(
            f"Invalid skip: {skip!r} leaves {len(r)} steps (expected at least 2 left)"
        )
    return s.var(axis=0) / r.var(axis=0)


def effective_step_ratio(effective_lr: ArrayLike) -> NDArray[np.float64]:
    """Return, per step, the largest per-coordinate effective step over the smallest."""
    e = np.asarray(effective_lr, dtype=np.float64)
    if e.ndim != 2 or e.shape[1] < 2:
        raise ValueError(
            f"Invalid effective_lr shape {e.shape} (expected 2 or more columns)"
        )
    return e.max(axis=1) / e.min(axis=1)


def decay_split(
    positions: ArrayLike,
    v_hat: ArrayLike,
    hyperparameters: dict,
    decoupled: bool,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    r"""Split every update of Adam with weight decay into decay and gradient parts.

    Returns ``(decay, gradient)``, rows per step, with ``decay + gradient`` equal to
    the update ``w_{t+1} - w_t``. AdamW (``decoupled=True``) subtracts
    :math:`\eta\lambda w_t` directly, so that is its decay part. Adam with L2 adds
    :math:`\lambda w_t` to the gradient. The first moment is linear in the
    gradients it averages, so it is the average of the data gradients plus the
    average of the penalty gradients,
    :math:`m^{L2}_t = \beta_1 m^{L2}_{t-1} + (1-\beta_1)\lambda w_t`. The decay part
    is the step that :math:`m^{L2}_t` alone takes through the shared denominator,
    :math:`-\eta\, \hat m^{L2}_t/(\sqrt{\hat v_t}+\epsilon)`: the two parts add up
    to the step exactly, since they share one denominator.
    """
    w = np.asarray(positions, dtype=np.float64)
    v_hat = np.asarray(v_hat, dtype=np.float64)
    steps = len(v_hat)
    if w.shape[0] < steps + 1 or w.shape[1:] != v_hat.shape[1:]:
        raise ValueError(
            f"Invalid positions shape {w.shape} (expected one more row than v_hat "
            f"{v_hat.shape}, with as many columns)"
        )
    lr = float(hyperparameters["lr"])
    wd = float(hyperparameters["weight_decay"])
    eps = float(hyperparameters["eps"])
    before = w[:steps]
    update = np.diff(w[: steps + 1], axis=0)
    if decoupled:
        decay = -lr * wd * before
    else:
        beta1 = float(hyperparameters["beta1"])
        penalty_m = np.zeros_like(before)
        m = np.zeros(w.shape[1:])
        for t in range(steps):
            m = beta1 * m + (1 - beta1) * wd * before[t]
            penalty_m[t] = m
        if hyperparameters.get("bias_correction", True):
            penalty_m = penalty_m / (1 - beta1 ** np.arange(1, steps + 1))[:, None]
        decay = -lr * penalty_m / (np.sqrt(v_hat) + eps)
    return decay, update - decay


def decay_rate(
    v_hat: ArrayLike, hyperparameters: dict, decoupled: bool
) -> NDArray[np.float64]:
    r"""Return, per step and coordinate, the share of a weight that decay pulls off.

    AdamW shrinks every weight by the same :math:`\eta\lambda` of itself. Adam with
    L2 adds :math:`\lambda w` to the gradient, and the step divides it by
    :math:`\sqrt{\hat v_t}+\epsilon`, so its rate is
    :math:`\eta\lambda/(\sqrt{\hat v_t}+\epsilon)`: small where the gradients have
    been large. (The first moment also averages the pull over recent steps; the
    rate is the coefficient that averaging applies to.)
    """
    v_hat = np.asarray(v_hat, dtype=np.float64)
    lr = float(hyperparameters["lr"])
    wd = float(hyperparameters["weight_decay"])
    if decoupled:
        return np.full_like(v_hat, lr * wd)
    return lr * wd / (np.sqrt(v_hat) + float(hyperparameters["eps"]))


def adam_step_parts(
    grads: ArrayLike, m_hat: ArrayLike, v_hat: ArrayLike, lr: float, eps: float
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    r"""Return the step the raw gradient would take, and Adam's step from m_hat.

    Both divide by the same :math:`\sqrt{\hat v_t}+\epsilon`, so they differ only in
    what the numerator remembers: ``(-lr*g/(sqrt(v_hat)+eps), -lr*m_hat/(...))``.
    The second is Adam's update when there is no weight decay.
    """
    g = np.asarray(grads, dtype=np.float64)
    m = np.asarray(m_hat, dtype=np.float64)
    scale = np.sqrt(np.asarray(v_hat, dtype=np.float64)) + eps
    return -lr * g / scale, -lr * m / scale


def tail_mean(values: ArrayLike, count: int) -> float:
    """Return the mean of the last ``count`` entries of a series, such as losses."""
    v = np.asarray(values, dtype=np.float64)
    if not isinstance(count, (int, np.integer)) or not 1 <= count <= len(v):
        raise ValueError(f"Invalid count: {count!r} (expected 1 to {len(v)})")
    return float(v[-count:].mean())


def step_lengths(positions: ArrayLike) -> NDArray[np.float64]:
    """Return the Euclidean length of every step of a run, one entry per step."""
    w = np.asarray(positions, dtype=np.float64)
    if w.ndim != 2 or len(w) < 2:
        raise ValueError(
            f"Invalid positions shape {w.shape} (expected steps + 1 rows, at least 2)"
        )
    return np.linalg.norm(np.diff(w, axis=0), axis=1)
