"""The scene catalogue, read from the scene modules' source without importing Manim.

Every ``scenes/sNN_*.py`` module defines scene classes whose bodies assign the
literals ``section``, ``title``, ``description`` and ``duration``. Reading them with
``ast`` keeps ``optmem list`` fast and lets the catalogue list a scene whose module
fails to import, so a broken scene is reported instead of hiding the others.
"""

from __future__ import annotations

import ast
from dataclasses import asdict, dataclass
from pathlib import Path

SCENES_DIR = Path(__file__).resolve().parent
REPOSITORY_DIR = SCENES_DIR.parent
FIELDS = ("section", "title", "description", "duration")
SECTIONS = range(1, 13)


class CatalogueError(Exception):
    """A scene module whose catalogue attributes are missing or invalid."""


@dataclass(frozen=True)
class Entry:
    name: str
    module: str  # path from the repository root
    section: int
    title: str
    description: str
    duration: float

    def to_json(self) -> dict:
        return asdict(self)


def scene_modules() -> list[Path]:
    return sorted(SCENES_DIR.glob("s[0-9][0-9]_*.py"))


def read_module(path: Path) -> list[Entry]:
    """Return the catalogue entries of one module, in source order."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    module = path.resolve().relative_to(REPOSITORY_DIR).as_posix()
    entries = []
    for node in tree.body:
        if not isinstance(node, ast.ClassDef):
            continue
        values = _literal_attributes(node)
        if "section" not in values:
            continue  # a helper class, not a catalogued scene
        missing = [field for field in FIELDS if field not in values]
        if missing:
            raise CatalogueError(
                f"{module}: scene {node.name} sets section but not {', '.join(missing)}"
            )
        entry = Entry(node.name, module, *(values[field] for field in FIELDS))
        _check(entry)
        entries.append(entry)
    return entries


def entries() -> list[Entry]:
    """Return every catalogued scene, ordered by section, then module and source."""
    found = [entry for path in scene_modules() for entry in read_module(path)]
    names = [entry.name for entry in found]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise CatalogueError(f"scene names used twice: {', '.join(duplicates)}")
    return sorted(found, key=lambda entry: (entry.section, entry.module))


def find(names: list[str]) -> list[Entry]:
    """Return the entries named, in the order given; raise for an unknown name."""
    by_name = {entry.name: entry for entry in entries()}
    unknown = [name for name in names if name not in by_name]
    if unknown:
        raise CatalogueError(
            f"unknown scene {', '.join(unknown)}; `optmem list` prints the catalogue"
        )
    return [by_name[name] for name in names]


def _literal_attributes(node: ast.ClassDef) -> dict:
    values = {}
    for statement in node.body:
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target, value = statement.targets[0], statement.value
        elif isinstance(statement, ast.AnnAssign) and statement.value is not None:
            target, value = statement.target, statement.value
        else:
            continue
        if isinstance(target, ast.Name) and target.id in FIELDS:
            try:
                values[target.id] = ast.literal_eval(value)
            except ValueError:
                raise CatalogueError(
                    f"{node.name}.{target.id} must be a literal so the catalogue can "
                    "read it without running the module"
                ) from None
    return values


def _check(entry: Entry) -> None:
    where = f"{entry.module}: {entry.name}"
    if not isinstance(entry.section, int) or entry.section not in SECTIONS:
        raise CatalogueError(f"{where}: section {entry.section!r} is not in 1 to 12")
    if not isinstance(entry.title, str) or not entry.title:
        raise CatalogueError(f"{where}: title must be a non-empty string")
    if not isinstance(entry.description, str) or not entry.description:
        raise CatalogueError(f"{where}: description must be a non-empty string")
    if not isinstance(entry.duration, (int, float)) or entry.duration <= 0:
        raise CatalogueError(f"{where}: duration {entry.duration!r} must be > 0 s")
