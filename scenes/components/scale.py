"""Per-coordinate scale bars and tables of numbers that follow the step tracker.

Both read precomputed per-step rows: row ``k`` is what the move from step ``k`` to
``k + 1`` uses, the same convention as ``StepArrow``. A frame update costs O(1).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from manim import (
    DOWN,
    LEFT,
    ORIGIN,
    RIGHT,
    UP,
    DashedLine,
    DecimalNumber,
    Line,
    MathTex,
    Text,
    ValueTracker,
    VGroup,
    VMobject,
)
from numpy.typing import ArrayLike

from ..theme import FORMULA_SIZE, LABEL_SIZE, Theme
from .panels import Counter


def row_index(tracker: ValueTracker, rows: int) -> int:
    """Return the per-step row the tracker's step uses, within [0, rows - 1]."""
    s = float(tracker.get_value())
    return min(max(int(math.floor(s + 1e-9)), 0), rows - 1)


class ScaleBars(VGroup):
    """One vertical bar per coordinate on a log axis, with an optional reference.

    ``values`` is ``(steps, coordinates)``, all > 0. ``names`` label the bars in
    LaTeX. ``reference`` draws a dashed line at one value with its label, for a
    quantity every coordinate shares, such as SGD's single learning rate. Each bar shows
    its current number above it.
    """

    def __init__(
        self,
        values: ArrayLike,
        names: Sequence[str],
        colors: Sequence[str],
        theme: Theme,
        height: float = 2.0,
        bar_width: float = 0.5,
        spacing: float = 1.4,
        log_range: tuple[float, float] | None = None,
        reference: tuple[float, str] | None = None,
        decimals: int = 4,
        title: str | None = None,
    ) -> None:
        super().__init__()
        self.values = np.asarray(values, dtype=np.float64)
        if self.values.ndim != 2 or self.values.shape[1] != len(names):
            raise ValueError(
                f"expected values of shape (steps, {len(names)}), "
                f"got {self.values.shape}"
            )
        if not np.all(np.isfinite(self.values)) or np.any(self.values <= 0):
            raise ValueError("scale bars need finite values > 0 for a log axis")
        if log_range is None:
            low = math.floor(math.log10(self.values.min()))
            high = math.ceil(math.log10(self.values.max()))
            if reference is not None:
                low = min(low, math.floor(math.log10(reference[0])))
                high = max(high, math.ceil(math.log10(reference[0])))
            log_range = (low, high)
        self.log_range = log_range
        self.bar_height = height
        self.bar_width = bar_width

        n = len(names)
        axis_length = spacing * n
        self.baseline = Line(ORIGIN, RIGHT * axis_length, color=theme.muted)
        self.baseline.set_stroke(width=1.5)
        self.add(self.baseline)
        self.centers = [
            self.baseline.get_start() + RIGHT * spacing * (i + 0.5) for i in range(n)
        ]
        self.bars = VGroup()
        self.numbers = VGroup()
        self.names = VGroup()
        for center, name, color in zip(self.centers, names, colors):
            bar = VMobject(
                stroke_color=color, stroke_width=2, fill_color=color, fill_opacity=0.7
            )
            self.bars.add(bar)
            number = DecimalNumber(
                0, num_decimal_places=decimals, font_size=FORMULA_SIZE - 4, color=color
            )
            self.numbers.add(number)
            label = MathTex(name, font_size=FORMULA_SIZE - 4, color=color)
            label.next_to(center, DOWN, buff=0.15)
            self.names.add(label)
        self.add(self.bars, self.numbers, self.names)

        self.reference = VGroup()
        if reference is not None:
            value, text = reference
            y = self._height(value)
            start = self.baseline.get_start() + UP * y
            line = DashedLine(start, start + RIGHT * axis_length, color=theme.sgd)
            label = MathTex(text, font_size=FORMULA_SIZE - 6, color=theme.sgd)
            label.next_to(line, RIGHT, buff=0.1)
            self.reference.add(line, label)
            self.add(self.reference)
        if title:
            heading = Text(title, font_size=LABEL_SIZE, color=theme.foreground)
            heading.next_to(self.baseline, UP, buff=height + 0.45)
            heading.align_to(self.baseline, LEFT)
            self.add(heading)
        self._shown = -1
        self._origin = self.baseline.get_start().copy()
        self.show_row(0)

    def _height(self, value: float) -> float:
        low, high = self.log_range
        share = (math.log10(value) - low) / (high - low)
        return self.bar_height * min(max(share, 0.0), 1.0)

    def show_row(self, k: int) -> ScaleBars:
        if k == self._shown:
            return self
        # the baseline moves with the group: read the offset from it
        shift = self.baseline.get_start() - self._origin
        for i, (bar, number) in enumerate(zip(self.bars, self.numbers)):
            value = float(self.values[k, i])
            h = max(self._height(value), 0.02)
            c = self.centers[i] + shift
            half = self.bar_width / 2
            corners = [
                c + LEFT * half,
                c + RIGHT * half,
                c + RIGHT * half + UP * h,
                c + LEFT * half + UP * h,
                c + LEFT * half,
            ]
            bar.set_points_as_corners(np.array(corners))
            number.set_value(value)
            number.next_to(c + UP * h, UP, buff=0.08)
        self._shown = k
        return self

    def follow(self, tracker: ValueTracker) -> ScaleBars:
        rows = len(self.values)
        self.add_updater(lambda bars: bars.show_row(row_index(tracker, rows)))
        return self.show_row(row_index(tracker, rows))


class NumberTable(VGroup):
    """Rows of a LaTeX symbol and one number per column, read at the tracker's step.

    ``rows`` maps a symbol to an array ``(steps, columns)``; ``columns`` head the
    columns. Every number is a ``Counter`` without its label, so it changes only
    when the step does.
    """

    def __init__(
        self,
        rows: dict[str, ArrayLike],
        columns: Sequence[str],
        tracker: ValueTracker,
        theme: Theme,
        colors: dict[str, str] | None = None,
        decimals: int | dict[str, int] = 3,
        font_size: float = LABEL_SIZE + 4,
        column_width: float = 1.9,
    ) -> None:
        super().__init__()
        self.counters: list[Counter] = []
        if columns:
            header = VGroup(MathTex(r"\phantom{0}", font_size=font_size))
            for name in columns:
                header.add(MathTex(name, font_size=font_size, color=theme.muted))
            self.add(header)
        n_columns = len(columns) or 1
        for symbol, values in rows.items():
            array = np.asarray(values, dtype=np.float64)
            if array.ndim != 2 or array.shape[1] != n_columns:
                raise ValueError(
                    f"row {symbol!r} must have shape (steps, {n_columns}), "
                    f"got {array.shape}"
                )
            color = (colors or {}).get(symbol, theme.foreground)
            places = decimals.get(symbol, 3) if isinstance(decimals, dict) else decimals
            line = VGroup(MathTex(symbol, font_size=font_size, color=color))
            for column in range(array.shape[1]):
                counter = Counter(
                    "", array[:, column], tracker, theme, places, color, font_size
                )
                counter.remove(counter.label)
                # Counter shows values[k] at step k, the same row convention.
                line.add(counter.follow())
                self.counters.append(counter)
            self.add(line)
        # one grid, every cell left-aligned: a DecimalNumber keeps its left edge
        # when its value changes, so right-aligned cells would drift
        symbol_width = max(line[0].width for line in self) + 0.3
        row_height = max(line.height for line in self) + 0.12
        for i, line in enumerate(self):
            y = -i * row_height
            line[0].move_to([0.0, y, 0.0], aligned_edge=LEFT)
            for j, item in enumerate(line[1:]):
                left = symbol_width + column_width * j
                item.move_to([left, y, 0.0], aligned_edge=LEFT)


def two_axis_levels(surface, x_half: float, y_half: float, count: int) -> np.ndarray:
    r"""Contour levels evenly spaced along both axes of a diagonal quadratic.

    ``count`` levels cross the x axis at even spacing up to ``x_half``, and ``count``
    more cross the y axis up to ``y_half``. A bowl whose curvatures differ by orders
    of magnitude then shows its steep walls as well as its shallow floor.
    """
    curvature = np.diag(surface.hessian)
    if len(curvature) != 2:
        raise ValueError(f"{surface.name!r} is not 2-D")
    fractions = np.arange(1, count + 1) / (count + 1)
    along_x = 0.5 * curvature[0] * (x_half * fractions) ** 2
    along_y = 0.5 * curvature[1] * (y_half * fractions) ** 2
    return np.unique(np.concatenate([along_x, along_y]))
