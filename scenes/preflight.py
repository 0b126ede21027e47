"""Check the system pieces that rendering needs before any scene starts.

MathTex, axis labels and every DecimalNumber counter run ``latex`` and ``dvisvgm``;
Manim draws with Cairo (pycairo) and sets text with Pango (manimpango).
"""

from __future__ import annotations

import importlib
import shutil
from dataclasses import dataclass

INSTALL_HINT = "make render (or bash scripts/install-system-packages.sh) installs it"


@dataclass(frozen=True)
class Requirement:
    name: str
    purpose: str
    install: str


def missing_requirements() -> list[Requirement]:
    """Return the requirements that are not met on this machine, empty when ready."""
    missing = []
    for program, package in (("latex", "texlive-latex-base"), ("dvisvgm", "dvisvgm")):
        if shutil.which(program) is None:
            missing.append(
                Requirement(
                    program,
                    "MathTex, axis labels and number counters",
                    f"apt-get install {package}",
                )
            )
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


def format_missing(missing: list[Requirement]) -> str:
    lines = ["Rendering cannot start; missing:"]
    for requirement in missing:
        lines.append(
            f"  - {requirement.name}, needed for {requirement.purpose}: "
            f"{requirement.install}"
        )
    lines.append(INSTALL_HINT + " on Debian or Ubuntu.")
    return "\n".join(lines)
