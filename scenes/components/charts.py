"""Charts for the model clips: bars that grow, probability bands, tables by row.

Everything here is built once from precomputed arrays, before any animation; the
scenes animate the finished shapes (growing, swapping) and never rebuild them per
frame.
"""

from __future__ import annotations

from collections.abc import Sequence

import contourpy
import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    Animation,
    FadeIn,
    FadeOut,
    GrowFromEdge,
    Line,
    Mobject,
    Rectangle,
    Text,
    VGroup,
    VMobject,
)
from numpy.typing import ArrayLike, NDArray

from ..theme import LABEL_SIZE, Theme

#: A bar shorter than this (scene units) is drawn as a thin stub, so 0 is visible.
STUB = 0.04


class BarRow(VGroup):
    """One labelled horizontal bar, split into coloured segments, and its value."""

    def __init__(
        self,
        label: str,
        segments: Sequence[tuple[float, str]],
        value_text: str,
        theme: Theme,
        unit_width: float,
        label_width: float,
        height: float = 0.36,
        label_color: str | None = None,
        font_size: float = LABEL_SIZE,
        show_label: bool = True,
    ) -> None:
        super().__init__()
        self.label = Text(
            label, font_size=font_size, color=label_color or theme.foreground
        )
        # A fixed-width slot keeps every bar starting at the same x.
        slot = Rectangle(width=label_width, height=height, stroke_opacity=0)
        self.slot = slot
        self.label.move_to(slot).align_to(slot, RIGHT)
        self.segments = VGroup()
        for value, color in segments:
            width = max(value * unit_width, STUB)
            bar = Rectangle(
                width=width,
                height=height,
                stroke_width=0,
                fill_color=color,
                fill_opacity=0.9 if value * unit_width >= STUB else 0.5,
            )
            self.segments.add(bar)
        self.segments.arrange(RIGHT, buff=0)
        self.segments.next_to(slot, RIGHT, buff=0.2)
        self.value = Text(value_text, font_size=font_size, color=theme.foreground)
        self.value.next_to(self.segments, RIGHT, buff=0.15)
        self.add(slot, self.label, self.segments, self.value)
        if not show_label:
            self.remove(self.label)

    def grow(self) -> list[Animation]:
        """Animations that grow each segment from the left, then show the value."""
        return [GrowFromEdge(s, LEFT) for s in self.segments] + [FadeIn(self.value)]


class BarChart(VGroup):
    """Horizontal bars, one row per label, scaled so the longest fills ``width``.

    ``rows`` maps a label to ``(segments, value_text)``, where segments are
    ``(value, colour)`` pairs stacked left to right.
    """

    def __init__(
        self,
        rows: dict[str, tuple[Sequence[tuple[float, str]], str]],
        theme: Theme,
        width: float,
        label_colors: dict[str, str] | None = None,
        scale_max: float | None = None,
        label_width: float | None = None,
        row_height: float = 0.36,
        show_labels: bool = True,
    ) -> None:
        super().__init__()
        totals = [sum(v for v, _ in segments) for segments, _ in rows.values()]
        top = scale_max if scale_max is not None else max(max(totals), 1e-300)
        if not show_labels:
            label_width = 0.0
        elif label_width is None:
            label_width = max(Text(label, font_size=LABEL_SIZE).width for label in rows)
        value_width = max(
            Text(text, font_size=LABEL_SIZE).width for _, text in rows.values()
        )
        bar_width = width - label_width - value_width - 0.4
        if bar_width <= 0:
            raise ValueError(
                f"bar chart of width {width:.2f} has no room for bars after its "
                "labels; give it more width or shorter labels"
            )
        self.unit_width = bar_width / top
        self.rows = VGroup()
        for label, (segments, text) in rows.items():
            color = (label_colors or {}).get(label)
            self.rows.add(
                BarRow(
                    label,
                    segments,
                    text,
                    theme,
                    self.unit_width,
                    label_width,
                    row_height,
                    label_color=color,
                    show_label=show_labels,
                )
            )
        self.rows.arrange(DOWN, buff=0.22)
        # every bar starts at the same x: align the label slots, not the labels
        for row in self.rows:
            row.shift(
                RIGHT * (self.rows[0].slot.get_left()[0] - row.slot.get_left()[0])
            )
        self.add(self.rows)


class RowTable(VGroup):
    """A table of text cells with aligned columns, meant to appear row by row.

    ``rows[0]`` is the header, drawn in the muted colour. ``colors`` gives a colour
    per body row (for example the optimizer's), applied to its first cell.
    """

    def __init__(
        self,
        rows: Sequence[Sequence[str]],
        theme: Theme,
        colors: Sequence[str | None] | None = None,
        font_size: float = LABEL_SIZE,
        column_buff: float = 0.35,
        row_buff: float = 0.2,
        align_right: Sequence[bool] | None = None,
    ) -> None:
        super().__init__()
        if not rows or len({len(r) for r in rows}) != 1:
            raise ValueError("a table needs rows of equal length, header first")
        n_cols = len(rows[0])
        cells = []
        for i, row in enumerate(rows):
            color = theme.muted if i == 0 else theme.foreground
            line = []
            for j, text in enumerate(row):
                cell_color = color
                if i > 0 and j == 0 and colors and colors[i - 1]:
                    cell_color = colors[i - 1]
                line.append(Text(text, font_size=font_size, color=cell_color))
            cells.append(line)
        widths = [
            max(cells[i][j].width for i in range(len(rows))) for j in range(n_cols)
        ]
        height = max(c.height for line in cells for c in line)
        right = align_right or [j > 0 for j in range(n_cols)]
        self.rows = VGroup()
        for line in cells:
            row = VGroup()
            x = 0.0
            for j, cell in enumerate(line):
                slot = Rectangle(width=widths[j], height=height, stroke_opacity=0)
                slot.move_to([x + widths[j] / 2, 0, 0])
                cell.move_to(slot).align_to(slot, RIGHT if right[j] else LEFT)
                row.add(VGroup(slot, cell))
                x += widths[j] + column_buff
            self.rows.add(row)
        self.rows.arrange(DOWN, aligned_edge=LEFT, buff=row_buff)
        self.rule = Line(
            self.rows[0].get_corner(DOWN + LEFT),
            self.rows[0].get_corner(DOWN + RIGHT),
            stroke_color=theme.muted,
            stroke_width=1.5,
        ).shift(DOWN * row_buff / 2)
        self.add(self.rows, self.rule)

    @property
    def header(self) -> VGroup:
        return VGroup(self.rows[0], self.rule)

    @property
    def body(self) -> list[VGroup]:
        return list(self.rows[1:])


class DataFrame(VGroup):
    """An invisible box that maps a 2-D data range onto a region of the scene."""

    def __init__(
        self,
        x_range: tuple[float, float],
        y_range: tuple[float, float],
        width: float,
        theme: Theme,
    ) -> None:
        super().__init__()
        (x0, x1), (y0, y1) = x_range, y_range
        self.x_range, self.y_range = (x0, x1), (y0, y1)
        height = width * (y1 - y0) / (x1 - x0)
        self.box = Rectangle(
            width=width, height=height, stroke_color=theme.muted, stroke_width=1.5
        )
        self.add(self.box)

    def to_scene(self, xy: ArrayLike) -> NDArray[np.float64]:
        """Map data points ``(..., 2)`` into the box as it is now, vectorised."""
        xy = np.asarray(xy, dtype=np.float64)
        (x0, x1), (y0, y1) = self.x_range, self.y_range
        left, bottom = self.box.get_corner(DOWN + LEFT)[:2]
        sx = self.box.width / (x1 - x0)
        sy = self.box.height / (y1 - y0)
        out = np.zeros(xy.shape[:-1] + (3,))
        out[..., 0] = left + (xy[..., 0] - x0) * sx
        out[..., 1] = bottom + (xy[..., 1] - y0) * sy
        return out


def _polygon(points_list: list[NDArray[np.float64]], **style) -> VMobject:
    """One VMobject whose subpaths are the closed rings given (outer, holes)."""
    shape = VMobject(**style)
    for k, ring in enumerate(points_list):
        closed = np.vstack([ring, ring[:1]])
        if k == 0:
            shape.set_points_as_corners(closed)
        else:
            shape.start_new_path(closed[0])
            shape.add_points_as_corners(closed[1:])
    return shape


def probability_bands(
    grid: ArrayLike,
    frame: DataFrame,
    levels: Sequence[float],
    colors: Sequence[tuple[str, float]],
    line_level: float,
    line_color: str,
    line_width: float = 4.0,
) -> VGroup:
    """Filled bands between ``levels`` of ``grid`` and the line at ``line_level``.

    ``grid`` has rows of y and columns of x, spanning the frame's ranges.
    ``colors[i]`` is the ``(colour, opacity)`` of the band between ``levels[i]``
    and ``levels[i + 1]``. Contours come from contourpy, once per call.
    """
    z = np.asarray(grid, dtype=np.float64)
    if len(colors) != len(levels) - 1:
        raise ValueError(
            f"{len(levels)} levels make {len(levels) - 1} bands, but "
            f"{len(colors)} colours were given"
        )
    ny, nx = z.shape
    xs = np.linspace(*frame.x_range, nx)
    ys = np.linspace(*frame.y_range, ny)
    generator = contourpy.contour_generator(
        xs,
        ys,
        z,
        fill_type=contourpy.FillType.OuterOffset,
        line_type=contourpy.LineType.Separate,
    )
    bands = VGroup()
    for (lo, hi), (color, opacity) in zip(zip(levels[:-1], levels[1:]), colors):
        points, offsets = generator.filled(lo, hi)
        for polygon, offset in zip(points, offsets):
            rings = [
                frame.to_scene(polygon[a:b]) for a, b in zip(offset[:-1], offset[1:])
            ]
            bands.add(
                _polygon(rings, stroke_width=0, fill_color=color, fill_opacity=opacity)
            )
    lines = VGroup()
    for line in generator.lines(line_level):
        if len(line) >= 2:
            path = VMobject(stroke_color=line_color, stroke_width=line_width)
            path.set_points_as_corners(frame.to_scene(line))
            lines.add(path)
    return VGroup(bands, lines)


def swap(old: Mobject, new: Mobject) -> list[Animation]:
    """Animations that cross-fade one precomputed shape into the next."""
    return [FadeOut(old), FadeIn(new)]


__all__ = [
    "BarChart",
    "BarRow",
    "DataFrame",
    "RowTable",
    "probability_bands",
    "swap",
]
