"""Repeatable results: the divergence experiment's bytes and a scene's last frame.

The cache tests check byte-identical files for the descent experiments. These tests
check the same for the stability experiment, whose run stops early on divergence,
and check that two renders of one scene give the same pixels.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

REPOSITORY = Path(__file__).resolve().parents[1]
EXPERIMENT = "ravine_divergence"


def compute_in_subprocess(name: str, folder: Path, hash_seed: str) -> bytes:
    env = {**os.environ, "OPTMEM_CACHE_DIR": str(folder), "PYTHONHASHSEED": hash_seed}
    code = f"from optimizers.experiments import load; load({name!r})"
    subprocess.run(
        [sys.executable, "-c", code], cwd=REPOSITORY, env=env, check=True, timeout=120
    )
    return (folder / f"{name}.npz").read_bytes()


def render_last_frame(media: Path, cache: Path) -> np.ndarray:
    env = dict(os.environ, OPTMEM_CACHE_DIR=str(cache), OPENBLAS_NUM_THREADS="1")
    env.pop("OPTMEM_LAYOUT_REPORT", None)
    command = [sys.executable, "-m", "manim", "render", "-ql", "-s"]
    command += ["--media_dir", str(media), "scenes/s01_sgd.py", "SGDBowl"]
    result = subprocess.run(
        command, cwd=REPOSITORY, env=env, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    (image,) = sorted((media / "images").rglob("SGDBowl*.png"))
    return np.asarray(Image.open(image).convert("RGB"))


def test_divergence_bytes_repeat(tmp_path):
    # PYTHONHASHSEED differs between the two processes.
    first = compute_in_subprocess(EXPERIMENT, tmp_path / "first", hash_seed="11")
    second = compute_in_subprocess(EXPERIMENT, tmp_path / "second", hash_seed="12")
    assert first == second


@pytest.fixture(scope="module")
def two_last_frames(tmp_path_factory) -> tuple[np.ndarray, np.ndarray]:
    cache = tmp_path_factory.mktemp("cache")
    first = render_last_frame(tmp_path_factory.mktemp("media_a"), cache)
    second = render_last_frame(tmp_path_factory.mktemp("media_b"), cache)
    return first, second


@pytest.mark.render
def test_last_frame_size(two_last_frames):
    first, _ = two_last_frames
    assert first.shape == (480, 854, 3)


@pytest.mark.render
def test_last_frame_repeats(two_last_frames):
    first, second = two_last_frames
    np.testing.assert_array_equal(first, second)


@pytest.mark.render
def test_last_frame_not_blank(two_last_frames):
    # A blank frame would repeat too; the poster has trails, labels and text.
    first, _ = two_last_frames
    assert len(np.unique(first.reshape(-1, 3), axis=0)) > 50
