"""A contour map of a 2-D loss surface, drawn at equal scale on both axes."""

from __future__ import annotations

from dataclasses import dataclass

import contourpy
import numpy as np
from manim import (
    DOWN,
    LEFT,
    RIGHT,
    UP,
    Axes,
    Cross,
    MathTex,
    Mobject,
    VGroup,
    VMobject,
)
from numpy.typing import ArrayLike, NDArray

from ..theme import FORMULA_SIZE, Theme

GRID_POINTS = 241


@dataclass(frozen=True)
class ClippedRun:
    """The part of a run that a map can draw, ending where it leaves the plot.

    ``data`` contains the points inside the plotted ranges, then, if the run leaves
    them, the exact point where the segment of step ``exit_step`` crosses the
    border (``crossing``). ``points`` are the same in scene coordinates, so step k
    of the run is point k of the path for every k < ``exit_step``, and the last
    segment ends on the border. ``exit_step`` is None for a run that stays inside.
    A non-finite point counts as outside; no crossing is drawn for it, the path
    ends at the last finite point, and ``crossing`` is None.
    """

    data: NDArray[np.float64]
    points: NDArray[np.float64]
    exit_step: int | None
    crossing: NDArray[np.float64] | None

    @property
    def steps(self) -> int:
        """Number of segments of the drawable path."""
        return len(self.data) - 1


def shallow_axis_levels(surface, half_span: float, count: int) -> NDArray[np.float64]:
    r"""Levels whose ellipses cross the flattest principal axis at even spacing.

    Level k is :math:`\tfrac12 \lambda_{\min} r_k^2` with :math:`r_k = k\,h/n`, so
    the contour lines are evenly spaced along the valley floor of a quadratic.
    """
    lambda_min = float(surface.eigenvalues[0])
    radii = half_span * np.arange(1, count + 1) / (count + 1)
    return 0.5 * lambda_min * radii**2


class ContourMap(VGroup):
    """Axes, contour lines from contourpy and the minimum of a 2-D surface.

    The map is fitted into ``region`` with one scene unit per data unit on both
    axes scaled alike, so a narrow valley looks as narrow as it is.
    """

    def __init__(
        self,
        surface,
        x_range: tuple[float, float],
        y_range: tuple[float, float],
        region: Mobject,
        theme: Theme,
        levels: ArrayLike | None = None,
        level_count: int = 9,
        formula: str | None = None,
    ) -> None:
        super().__init__()
        (x0, x1), (y0, y1) = x_range, y_range
        scale = min(region.width / (x1 - x0), region.height / (y1 - y0))
        self.axes = Axes(
            x_range=[x0, x1, 1],
            y_range=[y0, y1, 1],
            x_length=scale * (x1 - x0),
            y_length=scale * (y1 - y0),
            tips=False,
            axis_config={
                "stroke_color": theme.muted,
                "stroke_width": 1.5,
                "include_ticks": False,
            },
        )
        self.add(self.axes)

        if levels is None:
            levels = shallow_axis_levels(surface, max(abs(x0), abs(x1)), level_count)
        self.levels = np.asarray(levels, dtype=np.float64)
        self.lines = self._contour_lines(surface, x_range, y_range, theme)
        self.add(self.lines)

        self.minimum = Cross(stroke_color=theme.foreground, stroke_width=3)
        self.minimum.scale(0.12).move_to(self.to_scene([0.0, 0.0]))
        self.add(self.minimum)

        self.axis_labels = VGroup(
            MathTex("x", font_size=FORMULA_SIZE, color=theme.muted).next_to(
                self.axes.x_axis, RIGHT, buff=0.1
            ),
            MathTex("y", font_size=FORMULA_SIZE, color=theme.muted).next_to(
                self.axes.y_axis, UP, buff=0.1
            ),
        )
        self.add(self.axis_labels)

        self.formula: MathTex | None = None
        if formula:
            self.formula = MathTex(
                formula, font_size=FORMULA_SIZE, color=theme.foreground
            )
            self.formula.next_to(self.axes, DOWN, buff=0.2).align_to(self.axes, LEFT)
            self.add(self.formula)

        # Labels and the formula add to the axes' size: shrink the whole map to fit.
        # to_scene reads the axes as they are now, so it stays exact after this.
        if self.height > region.height or self.width > region.width:
            self.scale(min(region.height / self.height, region.width / self.width))
        self.move_to(region)

    def to_scene(self, xy: ArrayLike) -> NDArray[np.float64]:
        """Map data points ``(..., 2)`` to scene points ``(..., 3)``, vectorised."""
        xy = np.asarray(xy, dtype=np.float64)
        origin = self.axes.c2p(0, 0)
        ex = self.axes.c2p(1, 0) - origin
        ey = self.axes.c2p(0, 1) - origin
        return origin + xy[..., :1] * ex + xy[..., 1:2] * ey

    def to_scene_vector(self, dxy: ArrayLike) -> NDArray[np.float64]:
        """Map data displacements ``(..., 2)`` to scene displacements."""
        return self.to_scene(dxy) - self.to_scene(np.zeros(2))

    def contains_data(self, xy: ArrayLike) -> NDArray[np.bool_]:
        """Return whether data points lie inside the plotted ranges."""
        xy = np.asarray(xy, dtype=np.float64)
        (x0, x1), (y0, y1) = self.x_range, self.y_range
        return (
            (xy[..., 0] >= x0)
            & (xy[..., 0] <= x1)
            & (xy[..., 1] >= y0)
            & (xy[..., 1] <= y1)
        )

    def clip_run(self, positions: ArrayLike) -> ClippedRun:
        """Cut a run of data points ``(n, 2)`` where it first leaves the plot.

        The result contains only finite points, so it can go to Manim as it is.
        """
        xy = np.asarray(positions, dtype=np.float64)
        if xy.ndim != 2 or xy.shape[1] != 2 or len(xy) == 0:
            raise ValueError(
                f"clip_run needs an (n, 2) array of data points, got {xy.shape}"
            )
        finite = np.all(np.isfinite(xy), axis=1)
        with np.errstate(invalid="ignore"):
            inside = finite & self.contains_data(xy)
        if not inside[0]:
            raise ValueError(
                f"the run starts at {xy[0].tolist()}, outside the plotted ranges "
                f"x {self.x_range}, y {self.y_range}; widen the ranges"
            )
        outside = np.flatnonzero(~inside)
        if outside.size == 0:
            return ClippedRun(xy.copy(), self.to_scene(xy), None, None)
        k = int(outside[0])
        prefix = xy[:k]
        crossing = None
        if finite[k]:
            crossing = self._border_crossing(xy[k - 1], xy[k])
            prefix = np.vstack([prefix, crossing])
        return ClippedRun(prefix, self.to_scene(prefix), k, crossing)

    def _border_crossing(
        self, inside: NDArray[np.float64], outside: NDArray[np.float64]
    ) -> NDArray[np.float64]:
        """Return where the segment from ``inside`` to ``outside`` meets the border."""
        d = outside - inside
        fractions = [1.0]
        for axis, (low, high) in enumerate((self.x_range, self.y_range)):
            if outside[axis] > high:
                fractions.append((high - inside[axis]) / d[axis])
            elif outside[axis] < low:
                fractions.append((low - inside[axis]) / d[axis])
        return inside + min(fractions) * d

    @property
    def x_range(self) -> tuple[float, float]:
        return tuple(self.axes.x_range[:2])

    @property
    def y_range(self) -> tuple[float, float]:
        return tuple(self.axes.y_range[:2])

    def _contour_lines(self, surface, x_range, y_range, theme: Theme) -> VGroup:
        xs = np.linspace(*x_range, GRID_POINTS)
        ys = np.linspace(*y_range, GRID_POINTS)
        z = surface.value_on_grid(xs, ys)
        generator = contourpy.contour_generator(xs, ys, z, line_type="Separate")
        lines = VGroup()
        count = len(self.levels)
        for i, level in enumerate(self.levels):
            # Inner levels are brighter, so the eye finds the minimum first.
            opacity = 0.85 - 0.5 * i / max(count - 1, 1)
            for line in generator.lines(float(level)):
                if len(line) < 2:
                    continue
                path = VMobject(
                    stroke_color=theme.contour,
                    stroke_width=2.0,
                    stroke_opacity=opacity,
                )
                path.set_points_as_corners(self.to_scene(line))
                lines.add(path)
        return lines
