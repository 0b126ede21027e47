"""The experiment cache: reproducible bytes, pickle-free loading and regeneration."""

from __future__ import annotations

import logging
import os
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import numpy as np
import pytest

from optimizers import cache, experiments
from optimizers.experiments import registry

NAME = "ravine_sgd"
REPOSITORY = Path(__file__).resolve().parents[1]
LOGGER = "optimizers.experiments.registry"


@pytest.fixture
def cache_dir(monkeypatch, tmp_path) -> Path:
    monkeypatch.setenv("OPTMEM_CACHE_DIR", str(tmp_path))
    return tmp_path


def assert_same_arrays(actual: dict, expected: dict) -> None:
    assert sorted(actual) == sorted(expected)
    for key in expected:
        np.testing.assert_array_equal(actual[key], expected[key], err_msg=key)


def compute_in_subprocess(name: str, folder: Path, hash_seed: str) -> bytes:
    # A different PYTHONHASHSEED per process changes set and str hash order, which
    # must not reach the file.
    env = {**os.environ, "OPTMEM_CACHE_DIR": str(folder), "PYTHONHASHSEED": hash_seed}
    code = f"from optimizers.experiments import load; load({name!r})"
    subprocess.run(
        [sys.executable, "-c", code], cwd=REPOSITORY, env=env, check=True, timeout=120
    )
    return (folder / f"{name}.npz").read_bytes()


def test_cache_dir_from_env(cache_dir):
    assert experiments.cache_path(NAME) == cache_dir / f"{NAME}.npz"


@pytest.mark.parametrize("name", ["bowl_sgd", "ravine_momentum"])
def test_processes_write_same_bytes(name, cache_dir):
    first = compute_in_subprocess(name, cache_dir / "first", hash_seed="1")
    second = compute_in_subprocess(name, cache_dir / "second", hash_seed="2")
    assert first == second


def test_subprocess_matches_in_process(cache_dir):
    written = compute_in_subprocess(NAME, cache_dir / "child", hash_seed="3")
    experiments.load(NAME)
    assert experiments.cache_path(NAME).read_bytes() == written


def test_load_writes_cache(cache_dir):
    data = experiments.load(NAME)
    arrays, meta = cache.load(experiments.cache_path(NAME))
    assert_same_arrays(arrays, data.arrays)
    assert meta["inputs_hash"] == experiments.inputs_hash(NAME)


def test_missing_file_logs_info(cache_dir, caplog):
    with caplog.at_level(logging.INFO, logger=LOGGER):
        experiments.load(NAME)
    levels = [record.levelno for record in caplog.records if record.name == LOGGER]
    assert levels == [logging.INFO]


def test_valid_cache_skips_compute(cache_dir, monkeypatch, caplog):
    expected = experiments.load(NAME)

    def fail(name):
        raise AssertionError(f"compute({name!r}) called despite a valid cache file")

    monkeypatch.setattr(registry, "compute", fail)
    with caplog.at_level(logging.INFO, logger=LOGGER):
        data = experiments.load(NAME)
    assert_same_arrays(data.arrays, expected.arrays)
    assert [r for r in caplog.records if r.name == LOGGER] == []


def test_use_cache_false_writes_nothing(cache_dir):
    experiments.load(NAME, use_cache=False)
    assert list(cache_dir.iterdir()) == []


def test_load_without_pickle(cache_dir):
    experiments.load("ravine_momentum")
    path = experiments.cache_path("ravine_momentum")
    with np.load(path, allow_pickle=False) as data:
        arrays = {name: data[name] for name in data.files}
    assert cache.META_KEY in arrays
    for name, array in arrays.items():
        assert array.dtype != object, name


def test_members_fixed_timestamp(cache_dir):
    experiments.load(NAME)
    with zipfile.ZipFile(experiments.cache_path(NAME)) as archive:
        for info in archive.infolist():
            assert info.date_time == (1980, 1, 1, 0, 0, 0), info.filename


def test_save_load_round_trip(tmp_path):
    arrays = {"a/b": np.arange(6.0).reshape(2, 3), "text": np.array("hello")}
    meta = {"inputs_hash": "abc", "nested": {"x": [1, 2.5]}}
    cache.save(tmp_path / "sub" / "file.npz", arrays, meta)
    loaded_arrays, loaded_meta = cache.load(tmp_path / "sub" / "file.npz")
    assert_same_arrays(loaded_arrays, arrays)
    assert loaded_meta == meta


def test_load_missing_file(tmp_path):
    with pytest.raises(cache.CacheError, match="does not exist"):
        cache.load(tmp_path / "absent.npz")


def test_save_leaves_no_temp_files(tmp_path):
    cache.save(tmp_path / "file.npz", {"a": np.zeros(3)}, {})
    assert [p.name for p in tmp_path.iterdir()] == ["file.npz"]


# --- Damaged files: load() logs a warning and regenerates --------------------------


def replace_with_garbage(path: Path) -> None:
    size = path.stat().st_size
    path.write_bytes(np.random.default_rng(0).bytes(size))


def truncate_half(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])


def write_stale_hash(path: Path) -> None:
    # The arrays are altered too, so returning them instead of regenerating fails.
    arrays, meta = cache.load(path)
    arrays = {
        key: value + 1.0 if value.dtype.kind == "f" else value
        for key, value in arrays.items()
    }
    cache.save(path, arrays, {**meta, "inputs_hash": "0" * 64})


def break_deflate_stream(path: Path) -> None:
    # The first byte of a deflate stream contains BFINAL and BTYPE. The value 0b111
    # selects the reserved block type 3, which zlib rejects.
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        offset = archive.infolist()[0].header_offset
    name_length, extra_length = struct.unpack("<HH", data[offset + 26 : offset + 30])
    data[offset + 30 + name_length + extra_length] = 0b111
    path.write_bytes(bytes(data))


DAMAGES = [
    pytest.param(replace_with_garbage, id="garbage"),
    pytest.param(truncate_half, id="truncated"),
    pytest.param(write_stale_hash, id="stale-hash"),
    pytest.param(break_deflate_stream, id="bad-deflate"),
]


@pytest.mark.parametrize("damage", DAMAGES)
def test_damaged_file_warns(damage, cache_dir, caplog):
    experiments.load(NAME)
    damage(experiments.cache_path(NAME))
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        experiments.load(NAME)
    warnings = [
        r for r in caplog.records if r.name == LOGGER and r.levelno == logging.WARNING
    ]
    assert len(warnings) == 1
    assert warnings[0].getMessage().startswith(f"Regenerating experiment {NAME}: ")


@pytest.mark.parametrize("damage", DAMAGES)
def test_damaged_file_regenerated(damage, cache_dir):
    experiments.load(NAME)
    damage(experiments.cache_path(NAME))
    data = experiments.load(NAME)
    assert_same_arrays(data.arrays, experiments.compute(NAME).arrays)


@pytest.mark.parametrize("damage", DAMAGES)
def test_damaged_file_rewritten(damage, cache_dir):
    experiments.load(NAME)
    path = experiments.cache_path(NAME)
    original = path.read_bytes()
    damage(path)
    experiments.load(NAME)
    assert path.read_bytes() == original


def test_stale_hash_message(cache_dir, caplog):
    experiments.load(NAME)
    write_stale_hash(experiments.cache_path(NAME))
    with caplog.at_level(logging.WARNING, logger=LOGGER):
        experiments.load(NAME)
    expected = experiments.inputs_hash(NAME)[:12]
    assert f"(inputs hash 000000000000, expected {expected})" in caplog.text
