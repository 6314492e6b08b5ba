"""Writing outputs: the outputs of one run appear whole and together, or not at all.

An :class:`Outputs` transaction is made with every output path of a run **before** the work starts, and
checks them there (a bad ``-o`` costs a second, not a run): the folder exists or can be made and takes a
new file, the name is not a folder, not longer than 255 bytes, not one of the inputs, not given twice.
Each regular output is written to a temporary file beside it (``.NAME.syndetect-PID-XXXXXXXX.tmp``),
flushed and fsynced; :meth:`Outputs.commit` renames them all over their targets only when every one was
written, so a failure part-way (bad input found late, a crash, Ctrl-C) leaves every earlier file of those
names untouched. Temporary files left by a killed run (their process is gone) are recognised by that
pattern and removed by the next run writing in the same folder.

Not everything is a regular file: ``-`` is standard output, and an existing device (``/dev/null``,
``/dev/stdout``) or FIFO is written to directly (streamed, not atomic); a symlink is written through
(its target replaced, the link kept).

Every run's output ``X`` gets a companion ``X.stats.json`` (see :func:`run_metadata`): the resolved
configuration, its fingerprint, the run's statistics and the library versions; it is part of the same
transaction.

Example:
    >>> import os, tempfile
    >>> folder = tempfile.mkdtemp()
    >>> out = os.path.join(folder, "docs.jsonl")
    >>> with Outputs([out, stats_path(out)]) as outs:
    ...     outs.write_jsonl(out, [{"id": "a1", "text": "خبر عاجل"}])
    ...     outs.write_json(stats_path(out), {"written": 1})
    1
    >>> open(out, encoding="utf-8").read()
    '{"id": "a1", "text": "خبر عاجل"}\\n'
    >>> sorted(os.listdir(folder))
    ['docs.jsonl', 'docs.jsonl.stats.json']
"""

from __future__ import annotations

import errno
import json
import os
import re
import secrets
import stat
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from importlib import metadata
from pathlib import Path
from typing import IO, Any

from syndetect.config import Config
from syndetect.io.errors import printable

__all__ = [
    "STATS_SUFFIX",
    "OutputError",
    "Outputs",
    "atomic_open",
    "clean_leftovers",
    "dumps_line",
    "run_metadata",
    "run_outputs",
    "stats_path",
    "write_json",
    "write_jsonl",
    "write_run_metadata",
]

STATS_SUFFIX = ".stats.json"
NAME_MAX = 255  # bytes in one file name on every common file system
_TMP_TAG = ".syndetect-"
# .NAME.syndetect-PID-RANDOM.tmp: what a run writes aside; the PID says whether its writer is alive.
LEFTOVER = re.compile(r"^\..*\.syndetect-(\d+)-[0-9a-f]{8}\.tmp$")


class OutputError(ValueError):
    """An output that cannot be written: ``str(err)`` is ``PATH: what is wrong`` (one line)."""

    def __init__(self, path: str, message: str) -> None:
        self.path = path
        self.message = message
        super().__init__(f"{printable(str(path))}: {printable(message)}")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    return True


def clean_leftovers(folder: str | os.PathLike[str]) -> list[str]:
    """Remove the temporary files that killed runs left in ``folder`` (their process is gone).

    Returns the names removed. Files of live runs (a concurrent run writing there) are left alone.
    """
    removed = []
    try:
        names = os.listdir(folder)
    except OSError:
        return removed
    for name in names:
        m = LEFTOVER.match(name)
        if m is None or _alive(int(m.group(1))):
            continue
        try:
            os.unlink(os.path.join(folder, name))
            removed.append(name)
        except OSError:
            pass
    return removed


def _reason(err: OSError) -> str:
    if err.errno == errno.EROFS:
        return "read-only file system"
    if err.errno == errno.ENAMETOOLONG:
        return f"file name too long (more than {NAME_MAX} bytes)"
    if err.errno == errno.EPERM:
        return "not permitted (an immutable file or folder?)"
    return err.strerror or str(err)


@dataclass
class _Out:
    given: str  # as the caller names it
    target: str  # where the bytes go (a symlink resolved)
    kind: str  # "file" (written aside, renamed), "stream" (a device or FIFO), "stdout"
    tmp: str | None = None
    fh: IO[Any] | None = None
    perms: int = 0
    written: bool = False


class Outputs:
    """The outputs of one run: checked up front, written aside, renamed together at the end.

    Args:
        paths: every output of the run (``None`` entries are ignored: optional outputs not asked for);
            ``"-"`` is standard output (at most one).
        inputs: the run's input paths; an output that is one of them is refused.

    Raises:
        OutputError: an output that cannot be written (checked here, before any work): its folder is
            a file, is not writable or is on a read-only file system; it is a folder; its name is too
            long; it is an input; it is given twice.

    Use it as a context manager: on a normal exit every output is committed, on an exception every
    temporary file is removed and nothing is replaced. Outputs never opened are not created.
    """

    def __init__(self, paths: Iterable[str | os.PathLike[str] | None], inputs: Sequence[str] = ()) -> None:
        self._outs: dict[str, _Out] = {}
        self._done = False
        inputs_stat = [_stat(os.fspath(p)) for p in inputs if os.fspath(p) != "-"]
        targets: dict[str, str] = {}
        try:
            for p in paths:
                if p is None:
                    continue
                given = _key(p)
                if given in self._outs:
                    raise OutputError(given, "given twice as an output")
                out = self._check(given, inputs_stat)
                if out.kind == "file" and out.target in targets:
                    raise OutputError(given, f"the same file as the output {targets[out.target]}")
                targets[out.target] = given
                self._outs[given] = out
        except BaseException:
            self.abort()
            raise

    # -------------------------------------------------------------------------------------- checks

    def _check(self, given: str, inputs_stat: list[os.stat_result | None]) -> _Out:
        if given == "-":
            return _Out(given, "-", "stdout")
        if not given:
            raise OutputError(given, "empty output path")
        st = _stat(given)  # through symlinks: /dev/stdout -> /proc/self/fd/1 -> a pipe or a terminal
        if st is not None:
            for ist in inputs_stat:
                if ist is not None and (ist.st_dev, ist.st_ino) == (st.st_dev, st.st_ino):
                    raise OutputError(given, "is also an input (refusing to overwrite the corpus)")
            if stat.S_ISDIR(st.st_mode):
                raise OutputError(given, "is a directory (give a file name)")
            if not stat.S_ISREG(st.st_mode):  # a device, a FIFO, a socket: written to directly
                if not os.access(given, os.W_OK):
                    raise OutputError(given, "cannot write (permission denied)")
                return _Out(given, given, "stream")
        target = os.path.realpath(given)  # a symlink is written through: its target is replaced
        name = os.path.basename(target)
        if len(os.fsencode(name)) > NAME_MAX:
            raise OutputError(
                given, f"file name too long ({len(os.fsencode(name))} bytes, at most {NAME_MAX})"
            )
        folder = os.path.dirname(target)
        _make_folder(given, folder)
        clean_leftovers(folder)
        if st is not None:
            perms = st.st_mode & 0o7777  # keep an existing file's permissions
            try:  # an immutable or unwritable existing file: refuse now, not after the work
                os.close(os.open(target, os.O_WRONLY | os.O_APPEND | getattr(os, "O_NONBLOCK", 0)))
            except OSError as err:
                raise OutputError(given, f"cannot write ({_reason(err)})") from None
        else:
            perms = 0o666 & ~_umask()  # what open() would have given a new file
        out = _Out(given, target, "file", perms=perms)
        out.tmp = _reserve(given, folder, name)
        return out

    # --------------------------------------------------------------------------------------- writing

    def open(self, path: str | os.PathLike[str], mode: str = "w") -> IO[Any]:
        """The handle to write output ``path`` into (``"w"`` text, UTF-8, ``"\\n"`` newlines; ``"wb"``).

        A regular file's handle writes the temporary file; standard output, a device or a FIFO are
        written directly. Each output is opened once.
        """
        if mode not in ("w", "wb"):
            raise ValueError(f"Outputs.open: mode={mode!r}; use 'w' or 'wb'")
        key = _key(path)
        out = self._outs.get(key)
        if out is None:
            raise KeyError(f"{key}: not one of this run's outputs (declare every output up front)")
        if out.written:
            raise ValueError(f"{key}: already opened")
        out.written = True
        binary = mode == "wb"
        if out.kind == "stdout":
            out.fh = _Unclosed(sys.stdout.buffer if binary else sys.stdout)
        else:
            where = out.tmp if out.kind == "file" else out.target
            try:
                if binary:
                    out.fh = open(where, "wb")  # noqa: SIM115 - closed by commit/abort
                else:
                    out.fh = open(where, "w", encoding="utf-8", newline="\n")  # noqa: SIM115
            except OSError as err:
                raise OutputError(key, f"cannot write ({_reason(err)})") from None
        return out.fh

    def write_jsonl(self, path: str | os.PathLike[str], records: Iterable[Any]) -> int:
        """Write records as JSON Lines into output ``path``; returns how many."""
        fh = self.open(path)
        count = 0
        for record in records:
            fh.write(dumps_line(record))
            count += 1
        return count

    def write_json(self, path: str | os.PathLike[str], obj: Any) -> None:
        """Write one JSON value, indented, into output ``path``."""
        fh = self.open(path)
        fh.write(json.dumps(obj, ensure_ascii=False, indent=2, default=_default))
        fh.write("\n")

    def write_run_metadata(
        self, out_path: str | os.PathLike[str], cfg: Config, stats: dict[str, Any]
    ) -> None:
        """Write ``<out_path>.stats.json`` (declared among the outputs; nothing for ``-``)."""
        target = stats_path(out_path)
        if target is not None and target in self._outs:
            self.write_json(target, run_metadata(cfg, stats))

    def __contains__(self, path: object) -> bool:
        return isinstance(path, str | os.PathLike) and _key(path) in self._outs

    @property
    def paths(self) -> list[str]:
        """The outputs, as given."""
        return list(self._outs)

    # ------------------------------------------------------------------------------------ commit

    def commit(self) -> None:
        """Flush and fsync every written output, then rename them all over their targets."""
        if self._done:
            return
        try:
            ready = []
            for out in self._outs.values():
                if out.fh is not None:
                    out.fh.flush()
                    if out.kind == "file":
                        os.fsync(out.fh.fileno())
                    out.fh.close()
                    out.fh = None
                if out.kind == "file" and out.written:
                    os.chmod(out.tmp, out.perms)
                    ready.append(out)
            for out in ready:  # the last step, all together: nothing was replaced before this loop
                os.replace(out.tmp, out.target)
                out.tmp = None
            for folder in {os.path.dirname(o.target) for o in ready}:
                _fsync_dir(folder)
        except OSError as err:
            failing = next((o.given for o in self._outs.values() if o.tmp), "output")
            self.abort()
            raise OutputError(failing, f"cannot write ({_reason(err)})") from None
        except BaseException:
            self.abort()
            raise
        self._remove_temps()
        self._done = True

    def abort(self) -> None:
        """Remove every temporary file; nothing is replaced."""
        for out in self._outs.values():
            if out.fh is not None:
                try:
                    out.fh.close()
                except OSError:
                    pass
                out.fh = None
        self._remove_temps()
        self._done = True

    def _remove_temps(self) -> None:
        for out in self._outs.values():
            if out.tmp is not None:
                try:
                    os.unlink(out.tmp)
                except OSError:
                    pass
                out.tmp = None

    def __enter__(self) -> Outputs:
        return self

    def __exit__(self, kind: Any, value: Any, tb: Any) -> None:
        if kind is None:
            self.commit()
        else:
            self.abort()


class _Unclosed:
    """Standard output as an output handle: flushed, never closed."""

    def __init__(self, fh: IO[Any]) -> None:
        self._fh = fh

    def write(self, data: Any) -> int:
        return self._fh.write(data)

    def flush(self) -> None:
        self._fh.flush()

    def close(self) -> None:
        self._fh.flush()

    def fileno(self) -> int:
        return self._fh.fileno()


def _key(path: str | os.PathLike[str]) -> str:
    """An output's name as given, spelled one way (``./a.jsonl`` and ``a.jsonl`` are one output)."""
    given = os.fspath(path)
    return given if given in ("-", "") else os.path.normpath(given)


def _stat(path: str) -> os.stat_result | None:
    try:
        return os.stat(path)
    except (OSError, ValueError):
        return None


def _make_folder(given: str, folder: str) -> None:
    """Create the output's folder when missing; refuse when a part of it is a file."""
    probe = folder
    while True:
        st = _stat(probe)
        if st is not None:
            if not stat.S_ISDIR(st.st_mode):
                raise OutputError(given, f"{probe} is not a folder")
            break
        parent = os.path.dirname(probe)
        if parent == probe:
            break
        probe = parent
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError as err:
        raise OutputError(given, f"cannot create its folder ({_reason(err)})") from None


def _reserve(given: str, folder: str, name: str) -> str:
    """Create the temporary file beside the target now: proves the folder takes a new file."""
    tag = f"{_TMP_TAG}{os.getpid()}-{secrets.token_hex(4)}.tmp"
    room = NAME_MAX - len(os.fsencode(tag)) - 1
    short = os.fsencode(name)[:room].decode("utf-8", "ignore")
    tmp = os.path.join(folder, f".{short}{tag}")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as err:
        raise OutputError(given, f"cannot write in {folder or '.'} ({_reason(err)})") from None
    os.close(fd)
    return tmp


@contextmanager
def atomic_open(
    path: str | os.PathLike[str], mode: str = "w", encoding: str | None = "utf-8"
) -> Iterator[IO[Any]]:
    """Open one output for writing so that it appears whole or not at all (an :class:`Outputs` of one).

    Example:
        >>> import os, tempfile
        >>> out = os.path.join(tempfile.mkdtemp(), "x.txt")
        >>> with atomic_open(out) as fh:
        ...     _ = fh.write("سطر")
        >>> open(out, encoding="utf-8").read()
        'سطر'
    """
    if encoding not in (None, "utf-8"):
        raise ValueError("atomic_open writes UTF-8")
    with Outputs([path]) as outs:
        yield outs.open(path, mode)


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
    return json.dumps(record, ensure_ascii=False, allow_nan=False, default=_default) + "\n"


def write_jsonl(path: str | os.PathLike[str], records: Iterable[dict[str, Any]]) -> int:
    """Write records as JSON Lines, one object per line, atomically. Returns how many were written.

    ``records`` is consumed lazily, so an exception raised while producing them (bad input found
    half-way) leaves no file behind and any earlier file untouched.
    """
    with Outputs([path]) as outs:
        return outs.write_jsonl(path, records)


def write_json(path: str | os.PathLike[str], obj: Any) -> None:
    """Write one JSON value, indented, UTF-8 text kept as is, atomically."""
    with Outputs([path]) as outs:
        outs.write_json(path, obj)


def _version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def stats_path(out_path: str | os.PathLike[str]) -> str | None:
    """Where the run metadata of output ``out_path`` goes: ``out_path + ".stats.json"``.

    ``None`` for a streamed output: ``-``, a device (``/dev/null``) or a FIFO.
    """
    out = os.fspath(out_path)
    if out == "-":
        return None
    st = _stat(out)
    if st is not None and not stat.S_ISREG(st.st_mode) and not stat.S_ISDIR(st.st_mode):
        return None
    return out + STATS_SUFFIX


def run_outputs(
    paths: Iterable[str | os.PathLike[str] | None],
    inputs: Sequence[str] = (),
    stats: bool = True,
    plain: Iterable[str | os.PathLike[str]] = (),
) -> Outputs:
    """The :class:`Outputs` of a run: ``paths`` and, with ``stats``, each one's ``X.stats.json``, then
    the ``plain`` outputs (files that have no statistics of their own, such as a report's picture).

    Example:
        >>> import os, tempfile
        >>> out = os.path.join(tempfile.mkdtemp(), "pairs.jsonl")
        >>> [os.path.basename(p) for p in run_outputs([out, None]).paths]
        ['pairs.jsonl', 'pairs.jsonl.stats.json']
    """
    listed: list[str] = []
    for p in paths:
        if p is None:
            continue
        listed.append(os.fspath(p))
        companion = stats_path(p) if stats else None
        if companion is not None:
            listed.append(companion)
    listed.extend(os.fspath(p) for p in plain)
    return Outputs(listed, inputs)


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
