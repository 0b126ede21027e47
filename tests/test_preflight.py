"""Rendering stops before any scene starts when a system piece is missing.

Each case removes one piece the way a machine without it looks: latex or dvisvgm
absent from PATH, the LaTeX class Manim's template loads absent from TeX's search
path, or the cairo or manimpango module failing to import.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from scenes import cli, preflight

REPOSITORY = Path(__file__).resolve().parents[1]
LATEX_INSTALL = (
    "apt-get install texlive-latex-base texlive-latex-recommended "
    "texlive-latex-extra texlive-fonts-recommended"
)


def path_without(folder: Path, *programs: str) -> str:
    """A PATH of one folder with links to every program on PATH but ``programs``."""
    folder.mkdir()
    for directory in os.environ["PATH"].split(os.pathsep):
        if not os.path.isdir(directory):
            continue
        for name in os.listdir(directory):
            target = os.path.join(directory, name)
            link = folder / name
            if name in programs or link.exists() or not os.access(target, os.X_OK):
                continue
            link.symlink_to(target)
    return str(folder)


@pytest.fixture
def no_scene_starts(monkeypatch) -> list[str]:
    """Record any precompute or scene render that starts; the tests expect none."""
    started: list[str] = []
    monkeypatch.setattr(
        cli, "_precompute_quietly", lambda: started.append("precompute") or []
    )
    monkeypatch.setattr(
        cli, "_render_one", lambda entry, *args: started.append(entry.name) or {}
    )
    return started


@pytest.fixture
def no_latex(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("PATH", path_without(tmp_path / "bin", "latex"))


@pytest.fixture
def no_dvisvgm(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("PATH", path_without(tmp_path / "bin", "dvisvgm"))


def run(command: list[str], capsys) -> tuple[int, str]:
    code = cli.main(command)
    return code, capsys.readouterr().err


# --- latex --------------------------------------------------------------------


def test_no_latex_render_exits(no_latex, no_scene_starts, capsys):
    code, _ = run(["render", "SGDBowl"], capsys)
    assert code == 1


def test_no_latex_render_starts_nothing(no_latex, no_scene_starts, capsys):
    run(["render", "SGDBowl"], capsys)
    assert no_scene_starts == []


def test_no_latex_names_program(no_latex, no_scene_starts, capsys):
    _, err = run(["render", "SGDBowl"], capsys)
    assert "  - latex, needed for " in err


def test_no_latex_names_install(no_latex, no_scene_starts, capsys):
    _, err = run(["render"], capsys)
    assert LATEX_INSTALL in err


def test_no_latex_says_axis_labels(no_latex, capsys):
    # Axis labels and DecimalNumber counters run LaTeX too, not only MathTex.
    _, err = run(["check"], capsys)
    assert "MathTex, axis labels and number counters (DecimalNumber)" in err


def test_no_latex_check_exits(no_latex, capsys):
    code, _ = run(["check"], capsys)
    assert code == 1


def test_no_latex_subprocess(tmp_path):
    # A real process on a PATH without latex exits before manim starts.
    env = dict(os.environ, PATH=path_without(tmp_path / "bin", "latex"))
    result = subprocess.run(
        [sys.executable, "-m", "scenes.cli", "render", "SGDBowl"],
        cwd=REPOSITORY,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert LATEX_INSTALL in result.stderr


# --- dvisvgm ------------------------------------------------------------------


def test_no_dvisvgm_render_exits(no_dvisvgm, no_scene_starts, capsys):
    code, _ = run(["render", "SGDBowl"], capsys)
    assert code == 1


def test_no_dvisvgm_starts_nothing(no_dvisvgm, no_scene_starts, capsys):
    run(["render", "SGDBowl"], capsys)
    assert no_scene_starts == []


def test_no_dvisvgm_message(no_dvisvgm, capsys):
    _, err = run(["check"], capsys)
    assert (
        "  - dvisvgm, needed for MathTex, axis labels and number counters "
        "(DecimalNumber): apt-get install dvisvgm"
    ) in err


def test_no_dvisvgm_one_missing(no_dvisvgm, capsys):
    _, err = run(["check"], capsys)
    assert err.count("  - ") == 1


# --- the LaTeX class of Manim's template ---------------------------------------


def test_no_standalone_message(monkeypatch, capsys):
    # kpsewhich finds nothing, as on a machine with only texlive-latex-base.
    real = subprocess.run

    def kpsewhich_finds_nothing(command, *args, **kwargs):
        if Path(command[0]).name == "kpsewhich":
            return subprocess.CompletedProcess(command, 1, "", "")
        return real(command, *args, **kwargs)

    monkeypatch.setattr(preflight.subprocess, "run", kpsewhich_finds_nothing)
    _, err = run(["check"], capsys)
    assert "LaTeX file standalone.cls" in err


def test_no_standalone_install(monkeypatch, capsys):
    monkeypatch.setattr(
        preflight,
        "LATEX_FILES",
        (("no-such-class-for-this-test.cls", "texlive-latex-extra"),),
    )
    _, err = run(["check"], capsys)
    assert "apt-get install texlive-latex-extra" in err


# --- cairo and manimpango ------------------------------------------------------


@pytest.mark.parametrize("module", ["cairo", "manimpango"])
def test_no_module_render_exits(module, monkeypatch, no_scene_starts, capsys):
    # None in sys.modules makes the next import raise ImportError.
    monkeypatch.setitem(sys.modules, module, None)
    code, _ = run(["render", "SGDBowl"], capsys)
    assert code == 1


@pytest.mark.parametrize("module", ["cairo", "manimpango"])
def test_no_module_starts_nothing(module, monkeypatch, no_scene_starts, capsys):
    monkeypatch.setitem(sys.modules, module, None)
    run(["render", "SGDBowl"], capsys)
    assert no_scene_starts == []


@pytest.mark.parametrize(
    ("module", "install"),
    [
        ("cairo", "apt-get install libcairo2-dev pkg-config"),
        ("manimpango", "apt-get install libpango1.0-dev pkg-config"),
    ],
)
def test_no_module_names_install(module, install, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, module, None)
    _, err = run(["check"], capsys)
    assert f"  - Python module {module} (" in err
    assert install in err


@pytest.mark.parametrize("module", ["cairo", "manimpango"])
def test_no_module_names_rebuild(module, monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, module, None)
    _, err = run(["check"], capsys)
    package = "pycairo" if module == "cairo" else "manimpango"
    assert f"pip install --force-reinstall --no-binary :all: {package}" in err


def test_all_present_check_passes(capsys):
    # This machine has every piece, so the same check reports nothing missing.
    assert cli.main(["check"]) == 0
