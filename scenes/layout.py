"""A layout check of rendered clips: every label inside the frame, no two overlapping.

With ``OPTMEM_LAYOUT_REPORT=path.json`` set, a ``MemoryScene`` records the bounding
box of every visible label at the end of each beat (``hold()``) and at the last
frame, and writes them to that file as JSON when it tears down. A label is a Text,
MarkupText, MathTex, Tex or DecimalNumber, or a ``Counter`` as a whole. The parts
of one formula or one counter are one label, so they are never compared with each
other. ``problems`` reads a report and lists what leaves the frame or overlaps, and
``small_fonts`` lists the labels below a font size.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

from manim import (
    DL,
    UR,
    DecimalNumber,
    MarkupText,
    Mobject,
    SingleStringMathTex,
    Text,
    VMobject,
    config,
)

from .components.panels import Counter

REPORT_VARIABLE = "OPTMEM_LAYOUT_REPORT"
#: Scene units two boxes may share, or a box may pass the frame edge, unflagged.
#: At 480p one unit is 60 px, so this is about one pixel of anti-aliasing.
TOLERANCE = 0.02

LABEL_TYPES = (Text, MarkupText, SingleStringMathTex, DecimalNumber)

Box = tuple[float, float, float, float]  # left, bottom, right, top


def is_label(mobject: Mobject) -> bool:
    """Return whether ``mobject`` is one label: text, formula, number or counter."""
    return isinstance(mobject, (*LABEL_TYPES, Counter))


def labels(mobjects: list[Mobject]) -> Iterator[Mobject]:
    """Yield the visible labels among ``mobjects`` and their families, outermost."""
    seen: set[int] = set()
    stack = list(reversed(mobjects))
    while stack:
        mobject = stack.pop()
        if id(mobject) in seen:
            continue
        seen.add(id(mobject))
        if is_label(mobject):
            if is_visible(mobject):
                yield mobject
            continue
        stack.extend(reversed(mobject.submobjects))


def is_visible(mobject: Mobject) -> bool:
    """Return whether any part with points is drawn with a non-zero opacity."""
    for part in mobject.get_family():
        if not isinstance(part, VMobject) or len(part.points) == 0:
            continue
        if part.get_fill_opacity() > 0:
            return True
        if part.get_stroke_opacity() > 0 and part.get_stroke_width() > 0:
            return True
    return False


def describe(mobject: Mobject) -> dict:
    """Return the label's text, type, bounding box and smallest font size."""
    left, bottom, _ = mobject.get_critical_point(DL)
    right, top, _ = mobject.get_critical_point(UR)
    return {
        "text": label_text(mobject),
        "type": type(mobject).__name__,
        "box": [float(left), float(bottom), float(right), float(top)],
        "font_size": min_font_size(mobject),
    }


def label_text(mobject: Mobject) -> str:
    if isinstance(mobject, (Text, MarkupText)):
        return mobject.original_text
    if isinstance(mobject, SingleStringMathTex):
        return mobject.tex_string
    if isinstance(mobject, DecimalNumber):
        return f"{mobject.get_value():g}"
    return " ".join(label_text(part) for part in mobject.submobjects if is_label(part))


def min_font_size(mobject: Mobject) -> float | None:
    """Return the smallest font size among the label's parts, or None if unknown."""
    if isinstance(mobject, LABEL_TYPES):
        if mobject.height == 0 or getattr(mobject, "initial_height", 0) == 0:
            return None
        return float(mobject.font_size)
    sizes = [min_font_size(part) for part in mobject.submobjects if is_label(part)]
    known = [size for size in sizes if size is not None]
    return min(known) if known else None


class LayoutRecorder:
    """Recorder of the label boxes of one scene at its checkpoints, as JSON."""

    def __init__(self, path: Path, scene: str) -> None:
        self.path = path
        self.report: dict = {
            "scene": scene,
            "frame": [
                -config.frame_width / 2,
                -config.frame_height / 2,
                config.frame_width / 2,
                config.frame_height / 2,
            ],
            "checkpoints": [],
        }

    @classmethod
    def from_environment(cls, scene: str) -> LayoutRecorder | None:
        value = os.environ.get(REPORT_VARIABLE)
        return cls(Path(value), scene) if value else None

    def checkpoint(self, mobjects: list[Mobject], kind: str, beat: str, time: float):
        self.report["checkpoints"].append(
            {
                "kind": kind,
                "beat": beat,
                "time": round(float(time), 3),
                "labels": [describe(label) for label in labels(mobjects)],
            }
        )

    def write(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.path.write_text(json.dumps(self.report, indent=1) + "\n")


def overlap(a: Box, b: Box) -> float:
    """Return the smaller side of the intersection of two boxes, 0 if disjoint."""
    width = min(a[2], b[2]) - max(a[0], b[0])
    height = min(a[3], b[3]) - max(a[1], b[1])
    return max(0.0, min(width, height))


def outside(box: Box, frame: Box) -> float:
    """Return how far ``box`` reaches past the edges of ``frame``, 0 if inside."""
    return max(
        0.0, frame[0] - box[0], box[2] - frame[2], frame[1] - box[1], box[3] - frame[3]
    )


def problems(report: dict, tolerance: float = TOLERANCE) -> list[str]:
    """List every label outside the frame and every overlapping pair, per checkpoint."""
    found = []
    frame = tuple(report["frame"])
    for point in report["checkpoints"]:
        where = f"{report['scene']}, {point['kind']} of beat {point['beat']!r}"
        items = point["labels"]
        for item in items:
            past = outside(tuple(item["box"]), frame)
            if past > tolerance:
                found.append(
                    f"{where}: {item['text']!r} leaves the frame by {past:.2f} units"
                )
        for i, first in enumerate(items):
            for second in items[i + 1 :]:
                shared = overlap(tuple(first["box"]), tuple(second["box"]))
                if shared > tolerance:
                    found.append(
                        f"{where}: {first['text']!r} overlaps {second['text']!r} "
                        f"by {shared:.2f} units"
                    )
    return found


def small_fonts(report: dict, minimum: float) -> list[str]:
    """List the labels whose font size is below ``minimum``, once per label text."""
    found: dict[str, str] = {}
    for point in report["checkpoints"]:
        for item in point["labels"]:
            size = item["font_size"]
            # Manim derives font_size from the glyph height, so allow 0.5 pt of slack.
            if size is not None and size < minimum - 0.5:
                found.setdefault(
                    item["text"],
                    f"{report['scene']}: {item['text']!r} has font size {size:.1f} "
                    f"< {minimum} (first in beat {point['beat']!r})",
                )
    return list(found.values())
