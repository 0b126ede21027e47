"""Colours, type sizes and layout regions shared by every clip.

The theme is read when a scene sets up, never at import time: ``OPTMEM_THEME=light``
selects the light theme for the post, anything else (or nothing) the dark one for
talks.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from manim import Rectangle, config

# Okabe-Ito colours, distinct under the common colour-vision deficiencies.
MOMENTUM_BLUE = "#56B4E9"
RMSPROP_GREEN = "#009E73"
ADAM_ORANGE = "#E69F00"
ADAMW_VERMILLION = "#D55E00"
L2_PURPLE = "#CC79A7"
GRADIENT_YELLOW = "#F0E442"

# Text sizes, as Manim font sizes. At 480p one scene unit is 60 px, and a line of
# Text at font size 26 is about 20 px tall ("Ag", ascender to descender).
MIN_FONT_SIZE = 26
CAPTION_SIZE = 26
LABEL_SIZE = 28
BODY_SIZE = 30
FORMULA_SIZE = 38
HEADER_SIZE = 34
TITLE_SIZE = 46

MARGIN = 0.3
HEADER_HEIGHT = 0.75
CAPTION_HEIGHT = 0.6
PLOT_FRACTION = 3 / 5


@dataclass(frozen=True)
class Theme:
    name: str
    background: str
    foreground: str
    muted: str
    contour: str
    panel: str
    sgd: str

    def color(self, optimizer: str) -> str:
        """Return the colour of an optimizer, or of "gradient", in every clip."""
        colors = {
            "SGD": self.sgd,
            "Momentum": MOMENTUM_BLUE,
            "RMSProp": RMSPROP_GREEN,
            "Adam": ADAM_ORANGE,
            "AdamW": ADAMW_VERMILLION,
            "Adam+L2": L2_PURPLE,
            "gradient": GRADIENT_YELLOW if self.name == "dark" else "#B8A900",
        }
        try:
            return colors[optimizer]
        except KeyError:
            raise KeyError(
                f"no colour for {optimizer!r}; known: {', '.join(colors)}"
            ) from None


DARK = Theme(
    name="dark",
    background="#14161B",
    foreground="#ECEFF4",
    muted="#8B93A1",
    contour="#5E81AC",
    panel="#1F232B",
    sgd="#BBBBBB",
)
LIGHT = Theme(
    name="light",
    background="#FFFFFF",
    foreground="#1B1E24",
    muted="#5B6270",
    contour="#6C8EBF",
    panel="#F1F3F6",
    sgd="#555555",
)


THEMES = {"dark": DARK, "light": LIGHT}


def theme_name(value: str | None) -> str:
    """Validate a theme name, as ``OPTMEM_THEME`` gives it; unset means dark."""
    name = value or "dark"
    if name not in THEMES:
        raise ValueError(
            f"Invalid OPTMEM_THEME: {value!r} (expected 'dark' or 'light')"
        )
    return name


def current_theme() -> Theme:
    return THEMES[theme_name(os.environ.get("OPTMEM_THEME"))]


def frame_box() -> tuple[float, float, float, float]:
    """Return the usable frame as (left, right, bottom, top), margins removed."""
    half_w = config.frame_width / 2 - MARGIN
    half_h = config.frame_height / 2 - MARGIN
    return -half_w, half_w, -half_h, half_h


def _region(left: float, right: float, bottom: float, top: float) -> Rectangle:
    box = Rectangle(width=right - left, height=top - bottom, stroke_opacity=0)
    box.move_to(((left + right) / 2, (bottom + top) / 2, 0))
    return box


def plot_region() -> Rectangle:
    """Invisible box of the left three fifths, between the header and the caption."""
    left, right, bottom, top = frame_box()
    split = left + (right - left) * PLOT_FRACTION
    return _region(
        left, split - MARGIN / 2, bottom + CAPTION_HEIGHT, top - HEADER_HEIGHT
    )


def panel_region() -> Rectangle:
    """Invisible box of the right two fifths, for the update rule and the numbers."""
    left, right, bottom, top = frame_box()
    split = left + (right - left) * PLOT_FRACTION
    return _region(
        split + MARGIN / 2, right, bottom + CAPTION_HEIGHT, top - HEADER_HEIGHT
    )


def caption_region() -> Rectangle:
    left, right, bottom, _ = frame_box()
    return _region(left, right, bottom, bottom + CAPTION_HEIGHT)


def header_region() -> Rectangle:
    left, right, _, top = frame_box()
    return _region(left, right, top - HEADER_HEIGHT, top)
