"""The experiment registry and its cache of precomputed arrays."""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .. import cache
from ..rules import make_optimizer
from ..surfaces import SURFACES, NoisyGradient, Quadratic
from ..trajectory import Trajectory, record

logger = logging.getLogger(__name__)

PACKAGE_DIR = Path(__file__).resolve().parents[1]
REPOSITORY_DIR = PACKAGE_DIR.parent
FORMAT_VERSION = 1

Arrays = dict[str, np.ndarray]


@dataclass(frozen=True)
class Experiment:
    """A named configuration and the function that computes its arrays from it."""

    name: str
    description: str
    config: dict
    build: Callable[[dict], Arrays]


EXPERIMENTS: dict[str, Experiment] = {}


def experiment(name: str, description: str, **config) -> Callable:
    """Register the decorated ``build(config) -> arrays`` function under ``name``."""

    def register(build: Callable[[dict], Arrays]) -> Callable[[dict], Arrays]:
        if name in EXPERIMENTS:
            raise ValueError(f"experiment {name!r} is registered twice")
        # Round-trip through JSON so the config is exactly what the metadata stores.
        # Keys keep their order: the order of "runs" is the order scenes list them.
        frozen = json.loads(json.dumps(config))
        EXPERIMENTS[name] = Experiment(name, description, frozen, build)
        return build

    return register


@dataclass
class ExperimentData:
    """The arrays of one experiment, with accessors for its trajectories."""

    name: str
    config: dict
    arrays: Arrays
    meta: dict

    @property
    def labels(self) -> list[str]:
        """Labels of the stored trajectories, in the order the config lists them."""
        stored = {key.split("/")[0] for key in self.arrays if key.endswith("/meta")}
        order = list(self.config.get("runs", {}))
        return [label for label in order if label in stored] + sorted(
            stored - set(order)
        )

    def trajectory(self, label: str) -> Trajectory:
        if f"{label}/meta" not in self.arrays:
            raise KeyError(
                f"experiment {self.name!r} has no trajectory {label!r}; "
                f"it has {self.labels}"
            )
        return Trajectory.from_arrays(self.arrays, label)

    def trajectories(self) -> dict[str, Trajectory]:
        return {label: self.trajectory(label) for label in self.labels}

    def __getitem__(self, key: str) -> np.ndarray:
        return self.arrays[key]

    @property
    def surface(self) -> Quadratic:
        return SURFACES[self.config["surface"]]


def source_hash() -> str:
    """Hash the ``optimizers`` package's source, so code changes invalidate caches."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE_DIR.rglob("*.py")):
        digest.update(path.relative_to(PACKAGE_DIR).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def inputs_hash(name: str) -> str:
    """Hash everything that determines the experiment's arrays."""
    spec = _get(name)
    text = json.dumps(
        {"name": name, "config": spec.config, "format": FORMAT_VERSION},
        sort_keys=True,
    )
    digest = hashlib.sha256(text.encode())
    digest.update(source_hash().encode())
    digest.update(np.__version__.encode())
    return digest.hexdigest()


def cache_dir() -> Path:
    """Folder of the cache files: ``$OPTMEM_CACHE_DIR``, else ``media/cache``."""
    override = os.environ.get("OPTMEM_CACHE_DIR")
    return Path(override) if override else REPOSITORY_DIR / "media" / "cache"


def cache_path(name: str) -> Path:
    return cache_dir() / f"{name}.npz"


def compute(name: str) -> ExperimentData:
    """Compute an experiment from its config, ignoring and not touching the cache."""
    spec = _get(name)
    arrays = spec.build(spec.config)
    meta = {
        "experiment": name,
        "description": spec.description,
        "config": spec.config,
        "inputs_hash": inputs_hash(name),
        "numpy": np.__version__,
        "format": FORMAT_VERSION,
    }
    return ExperimentData(name, spec.config, arrays, meta)


def is_current(name: str) -> bool:
    """Return whether the cache file of ``name`` reads whole and matches its inputs."""
    try:
        _, meta = cache.load(cache_path(name))
    except cache.CacheError:
        return False
    return meta.get("inputs_hash") == inputs_hash(name)


def load(name: str, use_cache: bool = True) -> ExperimentData:
    """Return the experiment's arrays from the cache, recomputing when needed.

    A cache file that is missing, corrupt, truncated or made from other inputs is
    logged and rewritten. The arrays returned are always those of the current inputs.
    """
    spec = _get(name)
    path = cache_path(name)
    expected = inputs_hash(name)
    if use_cache:
        try:
            arrays, meta = cache.load(path)
        except cache.CacheError as error:
            if path.exists():
                logger.warning("Regenerating experiment %s: %s", name, error)
            else:
                logger.info("Computing experiment %s (no cache file yet)", name)
        else:
            if meta.get("inputs_hash") == expected:
                return ExperimentData(name, spec.config, arrays, meta)
            logger.warning(
                "Regenerating experiment %s: %s is stale (inputs hash %s, expected %s)",
                name,
                path,
                str(meta.get("inputs_hash"))[:12],
                expected[:12],
            )

    data = compute(name)
    if use_cache:
        cache.save(path, data.arrays, data.meta)
    return data


def _get(name: str) -> Experiment:
    try:
        return EXPERIMENTS[name]
    except KeyError:
        raise KeyError(
            f"no experiment named {name!r}; known experiments: "
            f"{', '.join(sorted(EXPERIMENTS))}"
        ) from None


def surface_from_config(config: dict) -> Quadratic | NoisyGradient:
    """Build the surface a config names, wrapped in seeded noise if it sets a sigma."""
    surface = SURFACES[config["surface"]]
    sigma = config.get("noise_sigma", 0.0)
    if sigma:
        return NoisyGradient(surface, sigma, config["seed"])
    return surface


def record_surface_runs(config: dict) -> Arrays:
    """Run every optimizer of ``config["runs"]`` from one start on one surface.

    ``config`` names the ``surface``, the ``start`` point, the number of ``steps``
    and ``runs``, a mapping from label to ``[optimizer class name, hyperparameters]``;
    ``noise_sigma`` and ``seed`` add the same seeded gradient noise to every run.
    """
    surface = surface_from_config(config)
    arrays: Arrays = {}
    for label, (optimizer_name, hyperparameters) in config["runs"].items():
        optimizer = make_optimizer(optimizer_name, **hyperparameters)
        run = record(optimizer, surface, config["start"], config["steps"], label)
        arrays.update(run.to_arrays(label))
    return arrays
