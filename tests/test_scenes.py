"""Render every catalogued scene at low quality and check the video it writes.

Each scene renders in its own ``manim`` process, as ``optmem render`` runs it, into
a temporary media folder; experiments load from a shared temporary cache. The same
render writes the layout report (label boxes at the end of every beat and at the
last frame) that the layout tests read, so no scene renders twice.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from scenes import catalogue
from scenes.cli import main as optmem
from scenes.layout import REPORT_VARIABLE, problems, small_fonts
from scenes.theme import DARK, MIN_FONT_SIZE
from scenes.video import frame_count, frames_at, is_blank

REPOSITORY = Path(__file__).resolve().parents[1]
LOW_QUALITY_FPS = 15
ENTRIES = catalogue.entries()

# Scenes with a known overlap, by name and what overlaps. Their layout tests are
# expected to fail, strictly, so fixing a scene without removing it here fails too.
KNOWN_OVERLAPS: dict[str, str] = {}


def layout_params() -> list:
    return [
        pytest.param(
            entry,
            id=entry.name,
            marks=[pytest.mark.xfail(reason=KNOWN_OVERLAPS[entry.name], strict=True)]
            if entry.name in KNOWN_OVERLAPS
            else [],
        )
        for entry in ENTRIES
    ]


@pytest.fixture(scope="session")
def render_dirs(tmp_path_factory):
    media = tmp_path_factory.mktemp("media")
    cache = tmp_path_factory.mktemp("cache")
    return media, cache


@pytest.fixture(scope="session")
def rendered(render_dirs):
    """Render a catalogued scene once per session and return its video."""
    videos: dict[str, Path] = {}

    def get(entry: catalogue.Entry) -> Path:
        if entry.name not in videos:
            videos[entry.name] = render(entry.module, entry.name, *render_dirs)
        return videos[entry.name]

    return get


def layout_report(media: Path, name: str) -> Path:
    return media / "layout" / f"{name}.json"


def render(module: str, name: str, media: Path, cache: Path, *extra: str) -> Path:
    env = dict(os.environ, OPTMEM_CACHE_DIR=str(cache), OPENBLAS_NUM_THREADS="1")
    env[REPORT_VARIABLE] = str(layout_report(media, name))
    command = [sys.executable, "-m", "manim", "render", "-ql", "--media_dir"]
    command += [str(media), *extra, module, name]
    result = subprocess.run(
        command, cwd=REPOSITORY, env=env, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    return media / "videos" / Path(module).stem / "480p15" / f"{name}.mp4"


@pytest.mark.render
@pytest.mark.parametrize("entry", ENTRIES, ids=[e.name for e in ENTRIES])
def test_scene_renders(entry, rendered):
    video = rendered(entry)
    assert video.exists()

    # Manim rounds each animation up to whole frames, so a clip may run a frame
    # long per animation; a dropped beat or a truncated file is seconds off.
    frames = frame_count(video)
    expected = entry.duration * LOW_QUALITY_FPS
    assert abs(frames - expected) <= max(4, 0.03 * expected), (frames, expected)

    first, middle, last = frames_at(video, [0.0, 0.5, 1.0])
    background = tuple(int(DARK.background[i : i + 2], 16) for i in (1, 3, 5))
    assert not is_blank(middle, background)
    assert not is_blank(last, background)
    assert last.size == (854, 480)

    subtitles = video.with_suffix(".srt")
    assert subtitles.exists()
    assert subtitles.read_text().count(" --> ") >= 3


def read_layout(entry, rendered, render_dirs) -> dict:
    rendered(entry)
    return json.loads(layout_report(render_dirs[0], entry.name).read_text())


@pytest.mark.render
@pytest.mark.parametrize("entry", ENTRIES, ids=[e.name for e in ENTRIES])
def test_scene_layout_checkpoints(entry, rendered, render_dirs):
    report = read_layout(entry, rendered, render_dirs)
    kinds = [point["kind"] for point in report["checkpoints"]]
    # one checkpoint per hold() and one for the last frame; every scene has beats
    assert kinds.count("end") >= 3
    assert kinds[-1] == "last frame"


@pytest.mark.render
@pytest.mark.parametrize("entry", layout_params())
def test_scene_layout_no_overlap(entry, rendered, render_dirs):
    # every label inside the frame, no two labels' boxes sharing > 0.02 units
    report = read_layout(entry, rendered, render_dirs)
    assert problems(report) == []


@pytest.mark.render
@pytest.mark.parametrize("entry", ENTRIES, ids=[e.name for e in ENTRIES])
def test_scene_layout_font_sizes(entry, rendered, render_dirs):
    report = read_layout(entry, rendered, render_dirs)
    assert small_fonts(report, MIN_FONT_SIZE) == []


@pytest.mark.render
def test_image_mobject_renders(tmp_path, render_dirs):
    # Pillow 13 rejects the RGBA array manim 0.22.0's Cairo camera passes to
    # Image.fromarray; this scene fails there and passes with the pinned Pillow.
    scene = tmp_path / "image_scene.py"
    scene.write_text(
        "import numpy as np\n"
        "from manim import *\n"
        "class Picture(Scene):\n"
        "    def construct(self):\n"
        "        pixels = np.zeros((8, 8, 3), dtype=np.uint8)\n"
        "        pixels[:, :, 0] = 255\n"
        "        self.add(ImageMobject(pixels).scale_to_fit_height(4))\n"
        "        self.wait(0.2)\n"
    )
    media, cache = render_dirs
    video = render(str(scene), "Picture", media, cache)
    middle = frames_at(video, [0.5])[0].convert("RGB")
    red, green, blue = middle.getpixel((427, 240))
    assert red > 200
    assert green < 60
    assert blue < 60


def test_catalogue_covers_sections():
    sections = {entry.section for entry in ENTRIES}
    assert {1, 2, 3} <= sections


def test_catalogue_modules_exist():
    for entry in ENTRIES:
        assert (REPOSITORY / entry.module).is_file(), entry.module


def test_list_json_fields(capsys):
    assert optmem(["list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [item["name"] for item in listed] == [e.name for e in ENTRIES]
    for item in listed:
        assert set(item) >= {"name", "module", "section", "title", "description"}
        assert 1 <= item["section"] <= 12


def test_list_unknown_scene(capsys):
    assert optmem(["render", "NoSuchScene"]) == 2
    assert "unknown scene NoSuchScene" in capsys.readouterr().err


def test_catalogue_rejects_missing_field(tmp_path, monkeypatch):
    bad = tmp_path / "s99_bad.py"
    bad.write_text("class Bad:\n    section = 4\n    title = 'x'\n")
    monkeypatch.setattr(catalogue, "REPOSITORY_DIR", tmp_path)
    with pytest.raises(catalogue.CatalogueError, match="description, duration"):
        catalogue.read_module(bad)


def test_catalogue_rejects_bad_section(tmp_path, monkeypatch):
    bad = tmp_path / "s99_bad.py"
    bad.write_text(
        "class Bad:\n    section = 13\n    title = 'x'\n"
        "    description = 'y'\n    duration = 1.0\n"
    )
    monkeypatch.setattr(catalogue, "REPOSITORY_DIR", tmp_path)
    with pytest.raises(catalogue.CatalogueError, match="section 13 is not in 1 to 12"):
        catalogue.read_module(bad)
