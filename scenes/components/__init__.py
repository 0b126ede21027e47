"""Shared mobjects of every clip, written once."""

from .contours import ClippedRun, ContourMap, shallow_axis_levels
from .panels import (
    Counter,
    EquationPanel,
    Legend,
    SeriesPanel,
    StatePanel,
    fit_width,
    step_index,
)
from .paths import DivergedMark, RevealedPath, StepArrow, TrailMarker, VectorArrow

__all__ = [
    "ClippedRun",
    "ContourMap",
    "Counter",
    "DivergedMark",
    "EquationPanel",
    "Legend",
    "RevealedPath",
    "SeriesPanel",
    "StatePanel",
    "StepArrow",
    "TrailMarker",
    "VectorArrow",
    "fit_width",
    "shallow_axis_levels",
    "step_index",
]
