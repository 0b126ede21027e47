"""Moving parts driven by a step tracker: revealed paths, markers and arrows.

Every moving part here changes in place from precomputed scene coordinates. A frame
update costs O(1): the finished part of a path is a slice of Bézier points computed
once, and only the segment of the current step is redrawn.
"""

from __future__ import annotations

import math

import numpy as np
from manim import (
    DL,
    RIGHT,
    Dot,
    Line,
    Mobject,
    Text,
    ValueTracker,
    VGroup,
    VMobject,
)
from numpy.typing import ArrayLike, NDArray

from ..theme import LABEL_SIZE

ScenePoints = NDArray[np.float64]  # (n, 3), scene coordinates


def split_step(s: float, last: int) -> tuple[int, float]:
    """Split a fractional step ``s`` into (step index, fraction) within [0, last]."""
    s = min(max(float(s), 0.0), float(last))
    k = min(int(math.floor(s)), max(last - 1, 0))
    return k, s - k


class RevealedPath(VGroup):
    """A polyline through precomputed points, drawn up to a fractional index.

    The whole polyline is kept as an invisible submobject, so it moves with every
    shift or scale of a parent group, and the visible part is read from it: the
    finished steps as a copy of its Bézier points, the current step as one segment.
    The drawn part always has as many points as the whole path, with the points past
    step k folded onto point k, because Manim's animations (FadeIn, Transform) fail
    on a mobject whose point count changes while they run.
    """

    #: Bézier points per segment: one cubic curve, as set_points_as_corners makes.
    POINTS_PER_SEGMENT = 4

    def __init__(
        self,
        points: ScenePoints,
        color: str,
        stroke_width: float = 3.0,
        stroke_opacity: float = 1.0,
    ) -> None:
        super().__init__()
        anchors = np.asarray(points, dtype=np.float64)
        if anchors.ndim != 2 or len(anchors) < 1:
            raise ValueError(
                f"a path needs an (n, 3) array of points, got {anchors.shape}"
            )
        if not np.all(np.isfinite(anchors)):
            raise ValueError("a path was given non-finite points; clip them first")
        self.segments = len(anchors) - 1
        self.full = VMobject(stroke_width=0, stroke_opacity=0, fill_opacity=0)
        if self.segments:
            self.full.set_points_as_corners(anchors)
        else:
            self.full.set_points(np.repeat(anchors, self.POINTS_PER_SEGMENT, axis=0))

        style = dict(
            stroke_color=color, stroke_width=stroke_width, stroke_opacity=stroke_opacity
        )
        self.done = VMobject(**style)
        self.head = VMobject(**style)
        self.add(self.full, self.done, self.head)
        self._shown_steps = -1
        self.show_until(0)

    def anchor(self, k: int) -> NDArray[np.float64]:
        """Return the current scene position of point ``k`` of the path."""
        n = self.POINTS_PER_SEGMENT
        if k >= self.segments:
            return self.full.points[-1].copy()
        return self.full.points[n * k].copy()

    def point_at(self, s: float) -> NDArray[np.float64]:
        if self.segments == 0:
            return self.anchor(0)
        k, a = split_step(s, self.segments)
        start = self.anchor(k)
        return start + a * (self.anchor(k + 1) - start)

    def show_until(self, s: float) -> RevealedPath:
        if self.segments == 0:
            return self
        k, a = split_step(s, self.segments)
        if k != self._shown_steps:
            points = self.full.points.copy()
            points[self.POINTS_PER_SEGMENT * k :] = self.anchor(k)
            self.done.points = points
            self._shown_steps = k
        start = self.anchor(k)
        end = start + a * (self.anchor(k + 1) - start)
        self.head.set_points_as_corners(np.array([start, end]))
        return self

    def follow(self, tracker: ValueTracker) -> RevealedPath:
        self.add_updater(lambda path: path.show_until(tracker.get_value()))
        return self.show_until(tracker.get_value())


class TrailMarker(VGroup):
    """An optimizer's marker and the trail of the steps it has taken."""

    def __init__(
        self,
        points: ScenePoints,
        color: str,
        label: str | None = None,
        label_direction: np.ndarray = DL,
        radius: float = 0.09,
        stroke_width: float = 3.0,
    ) -> None:
        super().__init__()
        self.trail = RevealedPath(points, color, stroke_width)
        self.dot = Dot(self.trail.anchor(0), radius=radius, color=color)
        self.add(self.trail, self.dot)
        self.label: Text | None = None
        if label:
            self.label = Text(label, font_size=LABEL_SIZE, color=color)
            self.label.next_to(self.dot, label_direction, buff=0.1)
            self.add(self.label)

    def show_until(self, s: float) -> TrailMarker:
        self.trail.show_until(s)
        self.dot.move_to(self.trail.point_at(s))
        return self

    def follow(self, tracker: ValueTracker, move_label: bool = False) -> TrailMarker:
        """Drive the trail and dot from ``tracker``; the label moves only if asked."""
        offset = None
        if self.label is not None and move_label:
            offset = self.label.get_center() - self.dot.get_center()

        def update(marker: Mobject) -> None:
            marker.show_until(tracker.get_value())
            if offset is not None:
                marker.label.move_to(marker.dot.get_center() + offset)

        self.add_updater(update)
        update(self)
        return self


class VectorArrow(VGroup):
    """An arrow whose shaft and tip are reshaped in place, with a fixed-size tip."""

    def __init__(
        self,
        color: str,
        stroke_width: float = 4.0,
        tip_length: float = 0.2,
    ) -> None:
        super().__init__()
        self.tip_length = tip_length
        self.shaft = VMobject(stroke_color=color, stroke_width=stroke_width)
        self.tip = VMobject(
            stroke_color=color, stroke_width=1.0, fill_color=color, fill_opacity=1.0
        )
        self.add(self.shaft, self.tip)
        self.put_start_and_end(np.zeros(3), np.array([1e-3, 0.0, 0.0]))

    def put_start_and_end(self, start, end) -> VectorArrow:
        start = np.asarray(start, dtype=np.float64)
        end = np.asarray(end, dtype=np.float64)
        direction = end - start
        length = float(np.hypot(direction[0], direction[1]))
        if length < 1e-6:
            # A zero vector draws nothing rather than an arrow of undefined direction.
            self.shaft.set_points_as_corners(np.array([start, start]))
            self.tip.set_points_as_corners(np.array([start, start]))
            return self
        unit = direction / length
        normal = np.array([-unit[1], unit[0], 0.0])
        tip = min(self.tip_length, 0.5 * length)
        base = end - unit * tip
        half_width = 0.45 * tip
        self.shaft.set_points_as_corners(np.array([start, base]))
        corners = np.array(
            [end, base + normal * half_width, base - normal * half_width, end]
        )
        self.tip.set_points_as_corners(corners)
        return self


class StepArrow(VectorArrow):
    """An arrow at the point of step ``k`` of a path, showing that step's vector.

    During the move from step k to k+1 the arrow shows step k's vector at step k's
    point, so the marker travels along it. The anchor is read from ``path`` and so
    follows the path when its group moves. ``vectors`` are scene displacements, one
    per step: scaling the map after building the arrow would leave them unscaled.
    """

    def __init__(
        self,
        path: RevealedPath,
        vectors: ScenePoints,
        color: str,
        **kwargs,
    ) -> None:
        super().__init__(color, **kwargs)
        self.path = path
        self.vectors = np.asarray(vectors, dtype=np.float64)
        if self.vectors.ndim != 2 or len(self.vectors) > max(path.segments, 1):
            raise ValueError(
                f"expected at most one vector per step ({path.segments}), "
                f"got shape {self.vectors.shape}"
            )
        if not np.all(np.isfinite(self.vectors)):
            raise ValueError("an arrow was given non-finite vectors")
        self._shown = -1
        self.show_at(0)

    def show_at(self, s: float) -> StepArrow:
        k = min(max(int(math.floor(float(s))), 0), len(self.vectors) - 1)
        if k != self._shown:
            start = self.path.anchor(k)
            self.put_start_and_end(start, start + self.vectors[k])
            self._shown = k
        return self

    def follow(self, tracker: ValueTracker) -> StepArrow:
        self.add_updater(lambda arrow: arrow.show_at(tracker.get_value()))
        return self.show_at(tracker.get_value())


class DivergedMark(VGroup):
    """A cross where a run stops being drawable, and a label with the reason.

    ``point`` is a scene point (for example the border crossing of
    ``ContourMap.clip_run``); it must be finite, so a run that blew up is marked
    where it was last drawable, never at a NaN or an infinity.
    """

    def __init__(
        self,
        point: ArrayLike,
        color: str,
        text: str = "diverged",
        direction: np.ndarray = RIGHT,
        size: float = 0.16,
        font_size: float = LABEL_SIZE,
    ) -> None:
        super().__init__()
        at = np.asarray(point, dtype=np.float64)
        if at.shape != (3,) or not np.all(np.isfinite(at)):
            raise ValueError(
                f"a diverged mark needs a finite scene point (3,), got {at!r}; "
                "mark the last drawable point instead"
            )
        d = np.array([size, size, 0.0])
        e = np.array([size, -size, 0.0])
        self.cross = VGroup(
            Line(at - d, at + d, color=color, stroke_width=5),
            Line(at - e, at + e, color=color, stroke_width=5),
        )
        self.label = Text(text, font_size=font_size, color=color)
        self.label.next_to(self.cross, direction, buff=0.12)
        self.add(self.cross, self.label)
