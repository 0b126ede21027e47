"""Read rendered videos with PyAV (Manim's own dependency): frame counts and stills."""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
from PIL import Image


def frame_count(path: Path) -> int:
    """Count the frames of a video by decoding it, not by trusting its header."""
    with av.open(str(path)) as container:
        return sum(1 for _ in container.decode(video=0))


def frames_at(path: Path, fractions: list[float]) -> list[Image.Image]:
    """Return the frames nearest the given fractions (0 first, 1 last) of a video."""
    with av.open(str(path)) as container:
        frames = [frame.to_image() for frame in container.decode(video=0)]
    if not frames:
        raise ValueError(f"{path} has no video frames")
    last = len(frames) - 1
    return [frames[round(min(max(f, 0.0), 1.0) * last)] for f in fractions]


def last_frame(path: Path) -> Image.Image:
    return frames_at(path, [1.0])[0]


def is_blank(image: Image.Image, background: tuple[int, int, int]) -> bool:
    """Return whether every pixel is within a few levels of the background colour."""
    pixels = np.asarray(image.convert("RGB"), dtype=np.int16)
    return bool(np.all(np.abs(pixels - np.array(background)) <= 8))
