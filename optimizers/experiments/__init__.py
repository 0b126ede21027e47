"""Named, seeded experiments: the single source of every number a clip shows.

Each experiment is a configuration (JSON-serialisable inputs) and a function that
turns it into arrays. ``load(name)`` returns the cached arrays when the cache file
exists, reads whole and was made from the same inputs and the same ``optimizers``
source code; otherwise it computes them and rewrites the file.
"""

from .registry import (
    EXPERIMENTS,
    Experiment,
    ExperimentData,
    cache_dir,
    cache_path,
    compute,
    experiment,
    inputs_hash,
    is_current,
    load,
)

# Importing the modules registers their experiments.
from . import adaptive, descent, models, stability  # noqa: E402,F401  isort: skip

__all__ = [
    "EXPERIMENTS",
    "Experiment",
    "ExperimentData",
    "cache_dir",
    "cache_path",
    "compute",
    "experiment",
    "inputs_hash",
    "is_current",
    "load",
]
