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
from .scale import NumberTable, ScaleBars, two_axis_levels

__all__ = [
    "ClippedRun",
    "ContourMap",
    "Counter",
    "DivergedMark",
    "EquationPanel",
    "Legend",
    "NumberTable",
    "RevealedPath",
    "ScaleBars",
    "SeriesPanel",
    "StatePanel",
    "StepArrow",
    "TrailMarker",
    "VectorArrow",
    "fit_width",
    "shallow_axis_levels",
    "step_index",
    "two_axis_levels",
]
