"""Store precomputed arrays as compressed ``.npz`` files that are byte-identical
across runs, with readable metadata, loaded with pickle disabled.

``numpy.savez_compressed`` stamps each member with the current time, so two runs of
the same experiment would write different bytes. ``save`` writes the same zip layout
(one ``.npy`` member per array, deflate-compressed) with a fixed timestamp.
"""

from __future__ import annotations

import io
import json
import logging
import os
import tempfile
import zipfile
import zlib
from pathlib import Path

import numpy as np

logger = logging.getLogger(__name__)

META_KEY = "__meta__"
_FIXED_TIME = (1980, 1, 1, 0, 0, 0)


class CacheError(Exception):
    """A cache file that is missing, unreadable, truncated or stale."""


def save(path: Path, arrays: dict[str, np.ndarray], meta: dict) -> None:
    """Write ``arrays`` and the JSON-serialisable ``meta`` to ``path`` atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    members = {META_KEY: np.array(json.dumps(meta, sort_keys=True, indent=1))}
    members.update(arrays)

    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f, zipfile.ZipFile(f, "w") as zf:
            for name in sorted(members):
                buffer = io.BytesIO()
                np.lib.format.write_array(
                    buffer, np.asarray(members[name], order="C"), allow_pickle=False
                )
                info = zipfile.ZipInfo(f"{name}.npy", date_time=_FIXED_TIME)
                info.compress_type = zipfile.ZIP_DEFLATED
                info.external_attr = 0o644 << 16
                zf.writestr(info, buffer.getvalue())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def load(path: Path) -> tuple[dict[str, np.ndarray], dict]:
    """Read a file written by ``save``; raise CacheError if it cannot be read whole."""
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {name: data[name] for name in data.files}
    except FileNotFoundError:
        raise CacheError(f"{path} does not exist") from None
    except (
        OSError,
        ValueError,
        EOFError,
        zipfile.BadZipFile,
        zlib.error,
        # zipfile raises this for a corrupt header naming an unknown compression.
        NotImplementedError,
    ) as error:
        reason = str(error)
        if "pickle" in reason:
            # NumPy's message suggests loading unsafely; a cache file never needs it.
            reason = "it is not an array file written by this project"
        raise CacheError(f"{path} is corrupt or truncated: {reason}") from error
    if META_KEY not in arrays:
        raise CacheError(f"{path} has no metadata member {META_KEY!r}")
    try:
        meta = json.loads(str(arrays.pop(META_KEY)))
    except json.JSONDecodeError as error:
        raise CacheError(f"{path} has unreadable metadata: {error}") from error
    return arrays, meta


def read_meta(path: Path) -> dict:
    """Read only the metadata of a cache file."""
    _, meta = load(path)
    return meta
