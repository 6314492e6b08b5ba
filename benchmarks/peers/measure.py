"""Run one command and report its CPU seconds, wall seconds and peak RSS (stdlib only, kept small).

``benchmarks/peers.py`` starts every measured driver through this helper rather than directly: on Linux
a child's ``ru_maxrss`` starts from the RSS of the process it was forked from (the high-water mark of
the pre-``exec`` memory is kept), so a large parent (one holding a corpus) would set the floor of every
figure. Forked from this small interpreter, the floor is a few MB.

    python benchmarks/peers/measure.py OUT.json LOG -- CMD [ARGS...]
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time


def main() -> None:
    out, log, sep, *cmd = sys.argv[1:]
    if sep != "--" or not cmd:
        raise SystemExit("usage: measure.py OUT.json LOG -- CMD [ARGS...]")
    t0 = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        try:
            os.execvp(cmd[0], cmd)
        finally:
            os._exit(127)
    _, status, ru = os.wait4(pid, 0)
    report = {
        "rc": os.waitstatus_to_exitcode(status),
        "cpu": ru.ru_utime + ru.ru_stime,
        "wall": time.perf_counter() - t0,
        "peak_mb": ru.ru_maxrss / 1024,
        "self_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }
    with open(out, "w", encoding="utf-8") as fh:
        json.dump(report, fh)


if __name__ == "__main__":
    main()
