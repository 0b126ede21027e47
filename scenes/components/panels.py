"""Panels for the right of the frame: equations, state, counters, legends, series."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Axes,
    DashedLine,
    DecimalNumber,
    Line,
    MathTex,
    Mobject,
    SurroundingRectangle,
    Text,
    ValueTracker,
    VGroup,
)
from numpy.typing import ArrayLike

from ..theme import BODY_SIZE, FORMULA_SIZE, LABEL_SIZE, Theme
from .paths import RevealedPath


def step_index(tracker: ValueTracker, last: int) -> int:
    """Return the last completed step at the tracker's value, within [0, last]."""
    return min(max(int(math.floor(float(tracker.get_value()) + 1e-9)), 0), last)


def fit_width(mobject: Mobject, width: float) -> Mobject:
    """Shrink ``mobject`` to ``width`` if it is wider; never enlarge it."""
    if mobject.width > width:
        mobject.scale_to_fit_width(width)
    return mobject


class EquationPanel(VGroup):
    """Lines of LaTeX, left-aligned, with one line highlightable at a time."""

    def __init__(
        self,
        lines: Sequence[str],
        theme: Theme,
        font_size: float = FORMULA_SIZE,
        colors: dict[str, str] | None = None,
    ) -> None:
        super().__init__()
        self.theme = theme
        for line in lines:
            tex = MathTex(line, font_size=font_size, color=theme.foreground)
            if colors:
                tex.set_color_by_tex_to_color_map(colors)
            self.add(tex)
        self.arrange(DOWN, aligned_edge=LEFT, buff=0.25)

    def box(self, index: int, color: str | None = None) -> SurroundingRectangle:
        return SurroundingRectangle(
            self[index], color=color or self.theme.muted, buff=0.1, stroke_width=2
        )


class Counter(VGroup):
    """A label and a number read from a per-step array at the tracker's step."""

    def __init__(
        self,
        label: str,
        values: ArrayLike,
        tracker: ValueTracker,
        theme: Theme,
        decimals: int = 3,
        color: str | None = None,
        font_size: float = FORMULA_SIZE - 2,
        tex_label: bool = True,
    ) -> None:
        super().__init__()
        self.values = np.asarray(values, dtype=np.float64)
        if not np.all(np.isfinite(self.values)):
            raise ValueError(f"counter {label!r} was given non-finite values")
        self.tracker = tracker
        color = color or theme.foreground
        if tex_label:
            self.label = MathTex(label, font_size=font_size, color=color)
        else:
            self.label = Text(label, font_size=font_size, color=color)
        # DecimalNumber sets its digits with LaTeX. Measured in Manim 0.22, its "58"
        # needs 1.47 times a Text label's font size to be as tall as the label's.
        number_size = font_size if tex_label else font_size * 1.47
        self.number = DecimalNumber(
            self._display(self.values[0]),
            num_decimal_places=decimals,
            font_size=number_size,
            color=color,
            include_sign=bool(np.any(self.values < 0)),
        )
        self.add(self.label, self.number)
        self.number.next_to(self.label, RIGHT, buff=0.15)
        self._shown = 0

    def _display(self, value: float) -> float:
        return float(value)

    def update_number(self) -> Counter:
        k = step_index(self.tracker, len(self.values) - 1)
        if k != self._shown:
            self.number.set_value(self._display(self.values[k]))
            self._shown = k
        return self

    def follow(self) -> Counter:
        self.add_updater(lambda counter: counter.update_number())
        return self.update_number()


class StatePanel(VGroup):
    """Panel of the arrays an optimizer stores between steps, and their value count."""

    def __init__(
        self,
        optimizer: str,
        state: dict[str, np.ndarray],
        tracker: ValueTracker,
        theme: Theme,
        symbols: dict[str, str] | None = None,
        color: str | None = None,
        width: float = 5.0,
    ) -> None:
        super().__init__()
        color = color or theme.color(optimizer)
        heading = Text(f"{optimizer} state", font_size=BODY_SIZE, color=color)
        self.add(heading)
        n_values = sum(int(values.shape[1]) for values in state.values())
        if not state:
            self.add(
                Text("nothing: no arrays kept", font_size=LABEL_SIZE, color=theme.muted)
            )
        self.rows = VGroup()
        for name, values in state.items():
            symbol = (symbols or {}).get(name, rf"\text{{{name}}}")
            row = VGroup(MathTex(symbol + "=", font_size=FORMULA_SIZE, color=color))
            for column in range(values.shape[1]):
                counter = Counter("", values[:, column], tracker, theme, color=color)
                counter.remove(counter.label)
                row.add(counter.follow())
            row.arrange(RIGHT, buff=0.25)
            self.rows.add(row)
        if len(self.rows):
            self.add(self.rows.arrange(DOWN, aligned_edge=LEFT, buff=0.15))
        self.count = Text(
            f"values stored: {n_values}", font_size=LABEL_SIZE, color=theme.muted
        )
        self.add(self.count)
        self.arrange(DOWN, aligned_edge=LEFT, buff=0.2)
        fit_width(self, width)


SWATCH_LENGTH = 0.4


class Legend(VGroup):
    """A swatch and a name per entry, one entry per row."""

    def __init__(self, entries: dict[str, str], theme: Theme, font_size=LABEL_SIZE):
        super().__init__()
        for name, color in entries.items():
            swatch = Line(LEFT * SWATCH_LENGTH / 2, RIGHT * SWATCH_LENGTH / 2)
            swatch.set_stroke(color, width=6)
            text = Text(name, font_size=font_size, color=theme.foreground)
            self.add(VGroup(swatch, text).arrange(RIGHT, buff=0.15))
        self.arrange(DOWN, aligned_edge=LEFT, buff=0.12)


class SeriesPanel(VGroup):
    """Axes of values over steps, with curves revealed up to the tracker's step.

    ``series`` maps a label to ``(values, colour)``; values are indexed by step.
    Points are mapped to the scene once, here, and never per frame.
    """

    def __init__(
        self,
        series: dict[str, tuple[ArrayLike, str]],
        theme: Theme,
        width: float,
        height: float,
        y_range: tuple[float, float] | None = None,
        x_label: str | None = "step",
        y_label: str | None = None,
        log_y: bool = False,
    ) -> None:
        super().__init__()
        self.log_y = log_y
        arrays = {label: np.asarray(v, np.float64) for label, (v, _) in series.items()}
        for label, values in arrays.items():
            if not np.all(np.isfinite(values)):
                raise ValueError(f"series {label!r} has non-finite values")
            if log_y and np.any(values <= 0):
                raise ValueError(f"series {label!r} has values <= 0 on a log axis")
        steps = max(len(v) for v in arrays.values()) - 1
        transformed = {k: self._transform(v) for k, v in arrays.items()}
        if y_range is None:
            low = min(float(v.min()) for v in transformed.values())
            high = max(float(v.max()) for v in transformed.values())
            pad = 0.05 * (high - low or 1.0)
            y_range = (low - pad, high + pad)
        elif log_y:
            y_range = (math.log10(y_range[0]), math.log10(y_range[1]))

        self.axes = Axes(
            x_range=[0, max(steps, 1), max(steps, 1)],
            y_range=[y_range[0], y_range[1], (y_range[1] - y_range[0])],
            x_length=width,
            y_length=height,
            tips=False,
            axis_config={
                "stroke_color": theme.muted,
                "stroke_width": 1.5,
                "include_ticks": False,
            },
        )
        # The horizontal axis sits at the bottom even when the range spans zero;
        # a dashed line marks zero instead.
        self.axes.x_axis.move_to(self.axes.c2p(0, y_range[0]), aligned_edge=LEFT)
        self.add(self.axes)
        if y_range[0] < 0 < y_range[1] and not log_y:
            zero = DashedLine(
                self.axes.c2p(0, 0),
                self.axes.c2p(max(steps, 1), 0),
                stroke_color=theme.muted,
                stroke_width=1.5,
            )
            self.add(zero)

        self.curves: dict[str, RevealedPath] = {}
        for label, values in transformed.items():
            xy = np.stack([np.arange(len(values), dtype=np.float64), values], axis=1)
            points = np.asarray(self.axes.c2p(xy), dtype=np.float64).reshape(-1, 3)
            curve = RevealedPath(points, series[label][1], stroke_width=3)
            self.curves[label] = curve
            self.add(curve)

        self.labels = VGroup()
        if x_label:
            x_text = Text(x_label, font_size=LABEL_SIZE, color=theme.muted)
            x_text.next_to(self.axes.x_axis, DOWN, buff=0.1).align_to(self.axes, RIGHT)
            self.labels.add(x_text)
        if y_label:
            y_text = MathTex(y_label, font_size=FORMULA_SIZE, color=theme.muted)
            y_text.next_to(self.axes, UP, buff=0.1).align_to(self.axes, LEFT)
            self.labels.add(y_text)
        self.add(self.labels)

    def _transform(self, values: np.ndarray) -> np.ndarray:
        return np.log10(values) if self.log_y else values

    def follow(self, tracker: ValueTracker) -> SeriesPanel:
        for curve in self.curves.values():
            curve.follow(tracker)
        return self


__all__ = [
    "Counter",
    "EquationPanel",
    "Legend",
    "SeriesPanel",
    "StatePanel",
    "fit_width",
    "step_index",
]
