"""The layout check: which mobjects count as labels, and what it reports.

The scene tests check the rendered catalogue's reports, from the same render. These
tests build mobjects directly, and render one small scene whose labels overlap on
purpose to see the report written through ``MemoryScene``. The
last part checks ``ContourMap.clip_run``, which cuts a run that leaves the plot at
the border, so nothing is drawn outside the plot and no NaN reaches Manim.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from manim import RIGHT, UP, MathTex, Text, ValueTracker, VGroup

from optimizers.surfaces import RAVINE
from scenes.components import ContourMap, Counter
from scenes.components.paths import DivergedMark
from scenes.layout import (
    REPORT_VARIABLE,
    LayoutRecorder,
    labels,
    overlap,
    problems,
    small_fonts,
)
from scenes.theme import DARK, MIN_FONT_SIZE, plot_region

REPOSITORY = Path(__file__).resolve().parents[1]


def report_of(*mobjects) -> dict:
    recorder = LayoutRecorder(Path("unused.json"), "Test")
    recorder.checkpoint(list(mobjects), "end", "a beat", 0.0)
    return recorder.report


def test_overlap_of_boxes():
    # boxes [0, 2] x [0, 1] and [1.5, 3] x [0.5, 2] share 0.5 by 0.5
    assert overlap((0, 0, 2, 1), (1.5, 0.5, 3, 2)) == pytest.approx(0.5)


def test_overlap_disjoint_boxes():
    assert overlap((0, 0, 1, 1), (2, 0, 3, 1)) == 0.0


def test_two_texts_overlap():
    first = Text("first", font_size=30)
    second = Text("second", font_size=30).move_to(first)
    (found,) = problems(report_of(first, second))
    assert "'first' overlaps 'second'" in found


def test_apart_texts_pass():
    first = Text("first", font_size=30)
    second = Text("second", font_size=30).next_to(first, RIGHT, buff=0.2)
    assert problems(report_of(first, second)) == []


def test_text_past_frame_edge():
    # the frame is 14.22 units wide: a text centred at x = 7 sticks out of it
    text = Text("edge", font_size=30).move_to(7 * RIGHT)
    (found,) = problems(report_of(text))
    assert "'edge' leaves the frame" in found


def test_nested_text_is_found():
    group = VGroup(VGroup(Text("inner", font_size=30)))
    assert [label.original_text for label in labels([group])] == ["inner"]


def test_invisible_text_ignored():
    first = Text("shown", font_size=30)
    hidden = Text("hidden", font_size=30).move_to(first).set_opacity(0)
    assert problems(report_of(first, hidden)) == []


def test_formula_is_one_label():
    # The parts of one MathTex touch each other; they are never compared.
    formula = MathTex(r"w_{t+1}", "=", r"w_t - \eta g_t", font_size=38)
    assert len(list(labels([formula]))) == 1


def test_counter_is_one_label():
    counter = Counter("t =", [0, 1, 2], ValueTracker(0), DARK, decimals=0)
    assert len(list(labels([counter]))) == 1


def test_counter_text_joined():
    counter = Counter("t =", [0, 1, 2], ValueTracker(0), DARK, decimals=0)
    assert report_of(counter)["checkpoints"][0]["labels"][0]["text"] == "t = 0"


def test_small_font_reported():
    (found,) = small_fonts(report_of(Text("tiny", font_size=20)), MIN_FONT_SIZE)
    assert "'tiny' has font size 20.0 < 26" in found


def test_scaled_text_font_size():
    # font size follows the height: a 30 pt text scaled by 0.5 is 15 pt
    text = Text("scaled", font_size=30).scale(0.5)
    item = report_of(text)["checkpoints"][0]["labels"][0]
    assert item["font_size"] == pytest.approx(15.0)


def test_minimum_font_passes():
    assert small_fonts(report_of(Text("ok", font_size=MIN_FONT_SIZE)), 26) == []


def test_recorder_off_without_variable(monkeypatch):
    monkeypatch.delenv(REPORT_VARIABLE, raising=False)
    assert LayoutRecorder.from_environment("Test") is None


SCENE = """
from manim import *
from scenes.base import MemoryScene

class Clash(MemoryScene):
    def construct(self):
        self.beat("one beat")
        self.add(Text("left", font_size=30), Text("right", font_size=30))
        self.hold(0.2)
        self.beat("another beat")
        self.add(Text("far", font_size=30).move_to(9 * RIGHT))
        self.hold(0.2)
"""


@pytest.fixture(scope="module")
def scene_report(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("layout")
    (folder / "clash.py").write_text(SCENE)
    report = folder / "report.json"
    env = dict(os.environ, **{REPORT_VARIABLE: str(report)})
    env["PYTHONPATH"] = str(REPOSITORY)
    command = [sys.executable, "-m", "manim", "render", "-ql", "-s"]
    command += ["--media_dir", str(folder / "media"), str(folder / "clash.py")]
    result = subprocess.run(
        [*command, "Clash"],
        cwd=REPOSITORY,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return json.loads(report.read_text())


@pytest.mark.render
def test_scene_checkpoint_kinds(scene_report):
    kinds = [point["kind"] for point in scene_report["checkpoints"]]
    assert kinds == ["end", "end", "last frame"]


@pytest.mark.render
def test_scene_checkpoint_beats(scene_report):
    beats = [point["beat"] for point in scene_report["checkpoints"]]
    assert beats == ["one beat", "another beat", "another beat"]


@pytest.mark.render
def test_scene_report_overlap(scene_report):
    found = problems(scene_report)
    assert "Clash, end of beat 'one beat': 'left' overlaps 'right' by" in found[0]


@pytest.mark.render
def test_scene_report_frame(scene_report):
    found = problems(scene_report)
    assert any("'far' leaves the frame" in line for line in found)


@pytest.mark.render
def test_scene_report_caption(scene_report):
    # the caption is a label too, so it is in every checkpoint
    texts = [item["text"] for item in scene_report["checkpoints"][0]["labels"]]
    assert "one beat" in texts


def test_upward_placement_passes():
    first = Text("below", font_size=30)
    second = Text("above", font_size=30).next_to(first, UP, buff=0.1)
    assert problems(report_of(first, second)) == []


# --- a run that leaves the plot: drawn up to the border, never past it ---------


@pytest.fixture(scope="module")
def ravine_map() -> ContourMap:
    return ContourMap(RAVINE, (-5.0, 5.0), (-1.2, 1.2), plot_region(), DARK)


def test_clip_run_exit_step(ravine_map):
    # y_t = 0.2 * (-1.5)^t: |y_4| = 1.01 is inside |y| <= 1.2, |y_5| = 1.52 is not
    positions = [[-4.5 + t, 0.2 * (-1.5) ** t] for t in range(8)]
    assert ravine_map.clip_run(positions).exit_step == 5


def test_clip_run_crossing_on_border(ravine_map):
    # from (-0.5, 1.0125) to (0.5, -1.51875) the segment meets y = -1.2 at
    # fraction 2.2125 / 2.53125 = 0.874, so x = -0.5 + 0.874 = 0.374
    positions = [[-4.5 + t, 0.2 * (-1.5) ** t] for t in range(8)]
    clipped = ravine_map.clip_run(positions)
    np.testing.assert_allclose(clipped.crossing, [0.374074074, -1.2], rtol=1e-8)


def test_clip_run_keeps_prefix(ravine_map):
    positions = [[-4.5 + t, 0.2 * (-1.5) ** t] for t in range(8)]
    clipped = ravine_map.clip_run(positions)
    np.testing.assert_array_equal(clipped.data[:5], np.array(positions[:5]))


def test_clip_run_nan_stops_path(ravine_map):
    positions = [[-4.0, 0.1], [-3.0, 0.2], [np.nan, np.inf], [1.0, 0.0]]
    clipped = ravine_map.clip_run(positions)
    assert clipped.steps == 1


def test_clip_run_nan_points_finite(ravine_map):
    positions = [[-4.0, 0.1], [-3.0, 0.2], [np.nan, np.inf], [1.0, 0.0]]
    assert np.all(np.isfinite(ravine_map.clip_run(positions).points))


def test_clip_run_inside_unchanged(ravine_map):
    positions = [[-4.0, 0.1], [-3.0, -0.1], [-2.0, 0.05]]
    assert ravine_map.clip_run(positions).exit_step is None


def test_clip_run_start_outside(ravine_map):
    with pytest.raises(ValueError, match=r"the run starts at \[0.0, 3.0\], outside"):
        ravine_map.clip_run([[0.0, 3.0], [0.0, 0.0]])


def test_diverged_mark_rejects_nan():
    with pytest.raises(ValueError, match="needs a finite scene point"):
        DivergedMark(np.array([np.nan, 0.0, 0.0]), "#FFFFFF")
