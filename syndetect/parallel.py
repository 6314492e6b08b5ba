"""Map a pure function over chunks of work on forked processes, results in chunk order.

Forking shares the parent's read-only state (documents, features) with the workers without pickling
it; only each chunk's bounds go out and its result comes back. Where ``fork`` is not available, or
one process is asked for, the chunks run in this process: the results are the same either way.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import sys
from collections.abc import Callable, Iterator, Sequence
from typing import Any

_SHARED: Any = None  # what the forked workers read: set just before the pool forks


def usable_cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def processes(jobs: int, work: int, least: int) -> int:
    """How many processes for ``work`` items: ``jobs`` (0: one per usable core), each given at least
    ``least`` items."""
    return max(1, min(jobs or usable_cores(), work // max(1, least)))


def chunks(total: int, jobs: int, most: int) -> list[tuple[int, int]]:
    """``[lo, hi)`` bounds covering ``range(total)``: about four chunks per process, at most ``most``
    items each (small chunks keep the processes evenly busy and the progress moving)."""
    step = max(1, min(most, -(-total // (4 * jobs))))
    return [(lo, min(lo + step, total)) for lo in range(0, total, step)]


def _call(bounds: tuple[int, int]) -> Any:
    fn, shared = _SHARED
    return fn(shared, *bounds)


def _worker_init(parent: int) -> None:
    """A worker leaves interrupts to its parent and dies quietly with it.

    Ctrl-C reaches every process of the terminal's group: only the parent handles it (and stops the
    pool). When the parent is killed, the kernel kills the worker too (Linux ``PR_SET_PDEATHSIG``), so
    no orphan goes on computing or prints a ``BrokenPipeError`` traceback into the terminal.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # the pool's terminate(): end now, whatever the parent set
    signal.signal(signal.SIGPIPE, signal.SIG_DFL)  # a broken result pipe ends the worker silently
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):  # pragma: no cover - no prctl: the getppid check below only
            pass
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(0)


def fork_map(
    fn: Callable[[Any, int, int], Any], shared: Any, bounds: Sequence[tuple[int, int]], jobs: int
) -> Iterator[Any]:
    """``fn(shared, lo, hi)`` for every chunk, in order, on ``jobs`` forked processes."""
    global _SHARED
    if jobs <= 1 or len(bounds) <= 1 or "fork" not in mp.get_all_start_methods():
        for lo, hi in bounds:
            yield fn(shared, lo, hi)
        return
    _SHARED = (fn, shared)
    try:
        with mp.get_context("fork").Pool(jobs, initializer=_worker_init, initargs=(os.getpid(),)) as pool:
            yield from pool.imap(_call, bounds)
    finally:
        _SHARED = None
