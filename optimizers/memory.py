"""The cost of optimizer state: values counted from ``state()``, then bytes at scale.

The count of state values per parameter is read from each optimizer's own
``state()`` after one real step on a real parameter list, never typed in. The byte
figures then scale that count to a model of N parameters: N parameters, N
gradients and ``k N`` state values, at the bytes per value of each precision.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from .rules import OPTIMIZERS, make_optimizer

#: Bytes per stored value of each number format.
BYTES_PER_VALUE = {"FP32": 4, "BF16": 2, "FP16": 2, "8-bit": 1}

#: The MLP of the two-moons run, a small language model, and two large ones.
MODEL_SIZES = {"MLP": 1185, "125M": 125_000_000, "7B": 7_000_000_000, "70B": 70e9}


def count_state(
    optimizer: str,
    params: Sequence[NDArray[np.floating]],
    grads: Sequence[NDArray[np.floating]],
    lr: float = 1e-3,
) -> dict[str, int]:
    """Take one step of ``optimizer`` on copies of ``params`` and count its state.

    Returns the number of stored values under each state name, as ``state()``
    lists them after the step.
    """
    if optimizer not in OPTIMIZERS:
        raise ValueError(
            f"Unknown optimizer {optimizer!r}; expected one of {', '.join(OPTIMIZERS)}"
        )
    rule = make_optimizer(optimizer, lr=lr)
    rule.step([np.array(p, dtype=np.float64) for p in params], list(grads))
    return {
        name: int(sum(a.size for a in arrays)) for name, arrays in rule.state().items()
    }


def state_per_parameter(counts: dict[str, int], n_params: int) -> float:
    """Values of state per trainable parameter: 0, 1 or 2 for these optimizers."""
    if n_params <= 0:
        raise ValueError(f"Invalid n_params: {n_params!r} (expected a count > 0)")
    return sum(counts.values()) / n_params


def training_bytes(
    n_params: float,
    state_per_param: float,
    state_format: str = "FP32",
    weight_format: str = "FP32",
) -> dict[str, float]:
    """Bytes of parameters, gradients and optimizer state for ``n_params``.

    Parameters and gradients use ``weight_format``; state uses ``state_format``.
    An 8-bit state here is one byte a value: the per-block scales that 8-bit
    optimizers also keep add well under 1% and are left out.
    """
    for name, fmt in (("state_format", state_format), ("weight_format", weight_format)):
        if fmt not in BYTES_PER_VALUE:
            raise ValueError(
                f"Invalid {name}: {fmt!r} (expected one of "
                f"{', '.join(BYTES_PER_VALUE)})"
            )
    if not math.isfinite(n_params) or n_params <= 0:
        raise ValueError(f"Invalid n_params: {n_params!r} (expected a count > 0)")
    weight = BYTES_PER_VALUE[weight_format]
    return {
        "parameters": n_params * weight,
        "gradients": n_params * weight,
        "state": n_params * state_per_param * BYTES_PER_VALUE[state_format],
    }


def human_bytes(n: float) -> str:
    """Bytes in decimal units: 4.7 kB, 1.5 GB, 840 GB."""
    for unit, size in (("TB", 1e12), ("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if n >= size:
            value = n / size
            return f"{value:.3g} {unit}" if value < 100 else f"{value:.0f} {unit}"
    return f"{n:.0f} B"


def state_multiple(per_parameter: float) -> str:
    """Format state values per parameter as a multiple of N: "0", "N", "2N"."""
    if per_parameter == 0:
        return "0"
    if per_parameter == 1:
        return "N"
    return f"{per_parameter:g}N"


__all__ = [
    "BYTES_PER_VALUE",
    "MODEL_SIZES",
    "count_state",
    "human_bytes",
    "state_multiple",
    "state_per_parameter",
    "training_bytes",
]
