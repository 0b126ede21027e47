"""Run an optimizer and record everything a clip shows, step by step.

Recording is the only place that copies optimizer state: the update rules stay as
small as their equations, and the recorder reads ``state()`` after every step.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
from numpy.typing import ArrayLike, NDArray

from .rules import Adam, AdamW, Momentum, Optimizer, RMSProp

Positions = NDArray[np.float64]  # (steps + 1, n_params), flattened parameters
PerStep = NDArray[np.float64]  # (steps, n_params), one row per step taken

#: A run whose loss grows past this multiple of its starting loss counts as diverged.
DIVERGENCE_FACTOR = 1e6


class Objective(Protocol):
    """Training target of the recorder: a loss of parameter arrays and its gradient.

    ``gradient`` receives the step number so that stochastic objectives can draw the
    same noise for every optimizer.
    """

    def loss(self, params: Sequence[NDArray[np.float64]]) -> float: ...

    def gradient(
        self, params: Sequence[NDArray[np.float64]], step: int
    ) -> list[NDArray[np.float64]]: ...


class SurfaceObjective:
    """Adapter from a surface (``value``/``gradient`` of points) to an Objective."""

    def __init__(self, surface) -> None:
        self.surface = surface
        self._noisy = "step" in surface.gradient.__code__.co_varnames

    def loss(self, params: Sequence[NDArray[np.float64]]) -> float:
        return float(self.surface.value(params[0]))

    def gradient(
        self, params: Sequence[NDArray[np.float64]], step: int
    ) -> list[NDArray[np.float64]]:
        if self._noisy:
            return [self.surface.gradient(params[0], step)]
        return [self.surface.gradient(params[0])]


@dataclass
class Trajectory:
    """One optimizer's run: where it went, what it saw and what it remembered.

    Row ``t`` of ``grads`` is the raw gradient at ``positions[t]``, the one the
    optimizer received for its step ``t + 1``. Row ``t`` of every ``state`` and
    ``derived`` array is the value after that step. ``diverged_at`` is the first step
    that could not be stored: its gradient, parameters or loss were non-finite, or
    its loss passed ``DIVERGENCE_FACTOR`` times the starting loss (or 1, if larger).
    It is then ``steps + 1``; a start that is already non-finite gives 0.
    """

    label: str
    optimizer: str
    hyperparameters: dict[str, float | bool]
    positions: Positions
    losses: NDArray[np.float64]
    grads: PerStep
    state: dict[str, PerStep] = field(default_factory=dict)
    derived: dict[str, PerStep] = field(default_factory=dict)
    diverged_at: int | None = None

    @property
    def steps(self) -> int:
        """Number of steps stored, which is fewer than asked for after divergence."""
        return len(self.losses) - 1

    @property
    def diverged(self) -> bool:
        return self.diverged_at is not None

    @property
    def updates(self) -> PerStep:
        return np.diff(self.positions, axis=0)

    def first_step_below(self, loss: float) -> int | None:
        """Return the first step whose loss is below ``loss``, or None."""
        below = np.flatnonzero(self.losses < loss)
        return int(below[0]) if below.size else None

    def to_arrays(self, prefix: str) -> dict[str, np.ndarray]:
        arrays: dict[str, np.ndarray] = {
            f"{prefix}/positions": self.positions,
            f"{prefix}/losses": self.losses,
            f"{prefix}/grads": self.grads,
        }
        for name, values in self.state.items():
            arrays[f"{prefix}/state/{name}"] = values
        for name, values in self.derived.items():
            arrays[f"{prefix}/derived/{name}"] = values
        meta = {
            "label": self.label,
            "optimizer": self.optimizer,
            "hyperparameters": self.hyperparameters,
            "diverged_at": self.diverged_at,
        }
        arrays[f"{prefix}/meta"] = np.array(json.dumps(meta, sort_keys=True))
        return arrays

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray], prefix: str) -> Trajectory:
        meta = json.loads(str(arrays[f"{prefix}/meta"]))

        def group(kind: str) -> dict[str, PerStep]:
            start = f"{prefix}/{kind}/"
            return {
                key[len(start) :]: value
                for key, value in arrays.items()
                if key.startswith(start)
            }

        return cls(
            label=meta["label"],
            optimizer=meta["optimizer"],
            hyperparameters=meta["hyperparameters"],
            positions=arrays[f"{prefix}/positions"],
            losses=arrays[f"{prefix}/losses"],
            grads=arrays[f"{prefix}/grads"],
            state=group("state"),
            derived=group("derived"),
            diverged_at=meta["diverged_at"],
        )


def derive(optimizer: Optimizer, state: dict[str, list[np.ndarray]]) -> dict:
    """Compute the quantities a clip shows from an optimizer's state after a step.

    Adam and AdamW: the bias-corrected moments ``m_hat`` and ``v_hat`` and the
    per-coordinate effective learning rate ``lr/(sqrt(v_hat)+eps)``. RMSProp: the
    root mean square ``rms`` and ``lr/(rms+eps)``.
    """
    flat = {name: _flatten(arrays) for name, arrays in state.items()}
    if isinstance(optimizer, (Adam, AdamW)):
        t = optimizer.t
        m_hat, v_hat = flat["m"], flat["v"]
        if optimizer.bias_correction:
            m_hat = m_hat / (1 - optimizer.beta1**t)
            v_hat = v_hat / (1 - optimizer.beta2**t)
        return {
            "m_hat": m_hat,
            "v_hat": v_hat,
            "effective_lr": optimizer.lr / (np.sqrt(v_hat) + optimizer.eps),
        }
    if isinstance(optimizer, RMSProp):
        rms = np.sqrt(flat["sq_avg"])
        return {"rms": rms, "effective_lr": optimizer.lr / (rms + optimizer.eps)}
    if isinstance(optimizer, Momentum):
        return {}
    return {}


def record(
    optimizer: Optimizer,
    objective,
    start: ArrayLike | Sequence[ArrayLike],
    steps: int,
    label: str | None = None,
    on_step: Callable[[int, list[np.ndarray]], dict[str, np.ndarray]] | None = None,
) -> Trajectory:
    """Run ``optimizer`` on ``objective`` for ``steps`` steps from ``start``.

    ``objective`` is an Objective or a surface with ``value`` and ``gradient``.
    ``start`` is one array (a point on a surface) or a list of parameter arrays.
    ``on_step(t, params)`` may return extra per-step rows, stored under ``derived``.
    A diverging run stops early and records the step in ``diverged_at``.
    """
    if not isinstance(steps, (int, np.integer)) or steps < 0:
        raise ValueError(f"Invalid steps: {steps!r} (expected a whole number >= 0)")
    if not hasattr(objective, "loss"):
        objective = SurfaceObjective(objective)
    params = _start_params(start)

    positions = [_flatten(params)]
    losses = [objective.loss(params)]
    grads: list[np.ndarray] = []
    state_rows: dict[str, list[np.ndarray]] = {}
    derived_rows: dict[str, list[np.ndarray]] = {}
    # A floor of 1 keeps a run that starts at the minimum from counting as diverged
    # as soon as its loss moves off 0.
    limit = DIVERGENCE_FACTOR * max(abs(losses[0]), 1.0)
    diverged_at = None if _finite(positions[0], losses[0], limit) else 0

    for t in range(steps if diverged_at is None else 0):
        g = objective.gradient(params, t)
        flat_g = _flatten(g)
        if not np.all(np.isfinite(flat_g)):
            diverged_at = t + 1
            break
        optimizer.step(params, g)
        flat_p = _flatten(params)
        loss = objective.loss(params)
        if not _finite(flat_p, loss, limit):
            diverged_at = t + 1
            break

        grads.append(flat_g)
        positions.append(flat_p)
        losses.append(loss)
        state = optimizer.state()
        extra = derive(optimizer, state)
        if on_step is not None:
            extra.update(on_step(t, params))
        for name, arrays in state.items():
            state_rows.setdefault(name, []).append(_flatten(arrays))
        for name, values in extra.items():
            derived_rows.setdefault(name, []).append(np.asarray(values, np.float64))

    n_params = positions[0].size
    return Trajectory(
        label=label or type(optimizer).__name__,
        optimizer=type(optimizer).__name__,
        hyperparameters=optimizer.hyperparameters(),
        positions=np.array(positions, dtype=np.float64),
        losses=np.array(losses, dtype=np.float64),
        grads=_stack(grads, n_params),
        state={name: _stack(rows, n_params) for name, rows in state_rows.items()},
        derived={name: np.array(rows) for name, rows in derived_rows.items()},
        diverged_at=diverged_at,
    )


def _start_params(start) -> list[np.ndarray]:
    if isinstance(start, np.ndarray) or (
        isinstance(start, (list, tuple)) and start and np.isscalar(start[0])
    ):
        return [np.array(start, dtype=np.float64)]
    return [np.array(p, dtype=np.float64) for p in start]


def _flatten(arrays: Sequence[np.ndarray]) -> np.ndarray:
    if not arrays:
        return np.zeros(0)
    return np.concatenate([np.ravel(a) for a in arrays]).astype(np.float64)


def _stack(rows: list[np.ndarray], width: int) -> np.ndarray:
    return np.array(rows, dtype=np.float64).reshape(len(rows), width)


def _finite(flat_params: np.ndarray, loss: float, limit: float) -> bool:
    return (
        bool(np.all(np.isfinite(flat_params)))
        and math.isfinite(loss)
        and (abs(loss) <= limit)
    )
