"""Check the system pieces that rendering needs before any scene starts.

MathTex, axis labels and every DecimalNumber counter run ``latex`` and ``dvisvgm``;
Manim draws with Cairo (pycairo) and sets text with Pango (manimpango).
"""

from __future__ import annotations

import importlib
import shutil
import subprocess
from dataclasses import dataclass

INSTALL_HINT = "make render (or bash scripts/install-system-packages.sh) installs them"

#: The TeX Live packages Manim's LaTeX template needs: the standalone class of
#: texlive-latex-extra, amsmath and babel of the base and recommended sets.
LATEX_PACKAGES = (
    "texlive-latex-base texlive-latex-recommended texlive-latex-extra "
    "texlive-fonts-recommended"
)
#: A file of each TeX Live package the template loads, found with kpsewhich.
LATEX_FILES = (("standalone.cls", "texlive-latex-extra"),)
LATEX_PURPOSE = "MathTex, axis labels and number counters (DecimalNumber)"


@dataclass(frozen=True)
class Requirement:
    name: str
    purpose: str
    install: str


def missing_requirements() -> list[Requirement]:
    """Return the requirements that are not met on this machine, empty when ready."""
    missing = []
    for program, package in (("latex", LATEX_PACKAGES), ("dvisvgm", "dvisvgm")):
        if shutil.which(program) is None:
            missing.append(
                Requirement(program, LATEX_PURPOSE, f"apt-get install {package}")
            )
    if shutil.which("latex") is not None:
        missing.extend(_missing_latex_files())
    for module, package in (
        ("cairo", "libcairo2-dev"),
        ("manimpango", "libpango1.0-dev"),
    ):
        try:
            importlib.import_module(module)
        except ImportError as error:
            missing.append(
                Requirement(
                    f"Python module {module} ({error})",
                    "drawing" if module == "cairo" else "text",
                    f"apt-get install {package} pkg-config, then "
                    "pip install --force-reinstall --no-binary :all: "
                    f"{'pycairo' if module == 'cairo' else 'manimpango'}",
                )
            )
    return missing


def _missing_latex_files() -> list[Requirement]:
    """Return the files of Manim's LaTeX template that kpsewhich cannot find."""
    kpsewhich = shutil.which("kpsewhich")
    if kpsewhich is None:
        return []  # without kpsewhich, LaTeX reports a missing file itself
    missing = []
    for name, package in LATEX_FILES:
        found = subprocess.run(
            [kpsewhich, name], capture_output=True, text=True, check=False
        )
        if not found.stdout.strip():
            missing.append(
                Requirement(
                    f"LaTeX file {name}", LATEX_PURPOSE, f"apt-get install {package}"
                )
            )
    return missing


def format_missing(missing: list[Requirement]) -> str:
    lines = ["Rendering cannot start; missing:"]
    for requirement in missing:
        lines.append(
            f"  - {requirement.name}, needed for {requirement.purpose}: "
            f"{requirement.install}"
        )
    lines.append(INSTALL_HINT + " on Debian or Ubuntu.")
    return "\n".join(lines)
