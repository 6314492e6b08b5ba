"""Writing outputs atomically: every file appears whole or not at all.

Each output is written to a temporary file beside it (``.NAME.XXXX.tmp`` in the same directory), flushed
to disk, then renamed over the target with :func:`os.replace`; a failure part-way (bad input, a crash,
Ctrl-C) removes the temporary file and leaves any earlier file of that name untouched. ``-`` means
standard output, which is streamed and cannot be atomic.

Every run's output ``X`` gets a companion ``X.stats.json`` (see :func:`write_run_metadata`): the resolved
configuration, its fingerprint, the run's statistics and the library versions.

Example:
    >>> import os, tempfile
    >>> out = os.path.join(tempfile.mkdtemp(), "docs.jsonl")
    >>> write_jsonl(out, [{"id": "a1", "text": "خبر عاجل"}])
    1
    >>> open(out, encoding="utf-8").read()
    '{"id": "a1", "text": "خبر عاجل"}\\n'
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import date, datetime
from importlib import metadata
from pathlib import Path
from typing import IO, Any

from syndetect.config import Config

STATS_SUFFIX = ".stats.json"


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def atomic_open(
    path: str | os.PathLike[str], mode: str = "w", encoding: str | None = "utf-8"
) -> Iterator[IO[Any]]:
    """Open ``path`` for writing so that it appears whole or not at all.

    Writes go to a temporary file in the same directory, which on success is flushed, fsynced and
    renamed over ``path``; on an exception it is removed and any existing ``path`` is left untouched.
    Missing parent directories are created. ``"-"`` yields standard output (not atomic, not closed).

    Args:
        path: the output file, or ``"-"``.
        mode: ``"w"`` (text) or ``"wb"`` (bytes).
        encoding: for text mode.

    Example:
        >>> import os, tempfile
        >>> out = os.path.join(tempfile.mkdtemp(), "x.txt")
        >>> with atomic_open(out) as fh:
        ...     _ = fh.write("سطر")
        >>> open(out, encoding="utf-8").read()
        'سطر'
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"atomic_open: mode={mode!r}; use 'w' or 'wb'")
    binary = mode == "wb"
    if os.fspath(path) == "-":
        if binary:
            yield sys.stdout.buffer
            sys.stdout.buffer.flush()
        else:
            yield sys.stdout
            sys.stdout.flush()
        return

    target = os.path.abspath(os.fspath(path))
    if os.path.isdir(target):
        raise IsADirectoryError(f"{os.fspath(path)}: is a directory (give a file name)")
    folder = os.path.dirname(target)
    os.makedirs(folder, exist_ok=True)
    try:
        perms = os.stat(target).st_mode & 0o7777  # keep an existing file's permissions
    except FileNotFoundError:
        perms = 0o666 & ~_umask()  # what open() would have given a new file

    fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(target)}.", suffix=".tmp")
    try:
        os.close(fd)
        if binary:
            fh: IO[Any] = open(tmp, "wb")
        else:
            fh = open(tmp, "w", encoding=encoding, newline="\n")
        with fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, perms)
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise
    _fsync_dir(folder)


def _fsync_dir(folder: str) -> None:
    """Make the rename itself durable (best effort: not every platform can open a directory)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _default(obj: Any) -> Any:
    """JSON for the few non-JSON values records may hold: datetimes, sets, numpy scalars and arrays."""
    if isinstance(obj, datetime | date):
        return obj.isoformat()
    if isinstance(obj, set | frozenset):
        return sorted(obj)
    if isinstance(obj, Path):
        return str(obj)
    if hasattr(obj, "tolist"):  # numpy scalar or array
        return obj.tolist()
    raise TypeError(f"cannot write a {type(obj).__name__} as JSON: {obj!r}")


def dumps_line(record: Any) -> str:
    """One JSON Lines line (with its newline), UTF-8 text kept as is."""
    return json.dumps(record, ensure_ascii=False, default=_default) + "\n"


def write_jsonl(path: str | os.PathLike[str], records: Iterable[dict[str, Any]]) -> int:
    """Write records as JSON Lines, one object per line, atomically. Returns how many were written.

    ``records`` is consumed lazily, so an exception raised while producing them (bad input found
    half-way) leaves no file behind and any earlier file untouched.
    """
    count = 0
    with atomic_open(path) as fh:
        for record in records:
            fh.write(dumps_line(record))
            count += 1
    return count


def write_json(path: str | os.PathLike[str], obj: Any) -> None:
    """Write one JSON value, indented, UTF-8 text kept as is, atomically."""
    with atomic_open(path) as fh:
        fh.write(json.dumps(obj, ensure_ascii=False, indent=2, default=_default))
        fh.write("\n")


def _version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def stats_path(out_path: str | os.PathLike[str]) -> str | None:
    """Where the run metadata of output ``out_path`` goes: ``out_path + ".stats.json"`` (None for ``-``)."""
    out = os.fspath(out_path)
    return None if out == "-" else out + STATS_SUFFIX


def run_metadata(cfg: Config, stats: dict[str, Any]) -> dict[str, Any]:
    """The self-description of a run: versions, configuration, fingerprint and statistics."""
    return {
        "syndetect_version": _version("syndetect"),
        "datasketch_version": _version("datasketch"),
        "python_version": ".".join(map(str, sys.version_info[:3])),
        "profile": cfg.profile,
        "fingerprint": cfg.fingerprint(),
        "config": cfg.to_dict(),
        "stats": stats,
    }


def write_run_metadata(out_path: str | os.PathLike[str], cfg: Config, stats: dict[str, Any]) -> str | None:
    """Write ``<out_path>.stats.json`` beside an output, atomically, and return its path.

    The file holds one JSON object::

        {"syndetect_version": "0.1.0", "datasketch_version": "2.0.0", "python_version": "3.11.7",
         "profile": "syndication", "fingerprint": "1f0c...", "config": {...the whole tree...},
         "stats": {...what the command counted: documents read, skipped, pairs, ...}}

    For ``out_path == "-"`` (standard output) nothing is written and ``None`` is returned.
    """
    target = stats_path(out_path)
    if target is not None:
        write_json(target, run_metadata(cfg, stats))
    return target
