"""Experiments that train models: linear regression and the two-moons MLP."""

from __future__ import annotations
