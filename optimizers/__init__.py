"""Optimizers as memory: update rules, loss surfaces and recorded trajectories.

Pure NumPy; scenes read what this package computes and compute nothing themselves.
"""

from .rules import (
    OPTIMIZERS,
    SGD,
    Adam,
    AdamW,
    Momentum,
    Optimizer,
    RMSProp,
    make_optimizer,
)
from .surfaces import BOWL, RAVINE, SCALED_BOWL, SURFACES, NoisyGradient, Quadratic
from .trajectory import Trajectory, record

__all__ = [
    "BOWL",
    "OPTIMIZERS",
    "RAVINE",
    "SCALED_BOWL",
    "SGD",
    "SURFACES",
    "Adam",
    "AdamW",
    "Momentum",
    "NoisyGradient",
    "Optimizer",
    "Quadratic",
    "RMSProp",
    "Trajectory",
    "make_optimizer",
    "record",
]
