"""What a measured run cost and which engine made it: the helpers every benchmark report uses."""

from __future__ import annotations

import hashlib
import resource
import sys
from pathlib import Path


def engine_digest() -> str:
    """A short hash of the loaded library modules a run depends on (not ``evaluate``, not ``io``):
    which engine a measurement was made with."""
    digest = hashlib.sha256()
    for name in sorted(sys.modules):
        module = sys.modules[name]
        path = getattr(module, "__file__", None)
        if (
            not name.startswith("syndetect.")
            or name.startswith(("syndetect.io", "syndetect.evaluate"))
            or not path
        ):
            continue
        digest.update(name.encode("utf-8") + b"\0" + Path(path).read_bytes())
    return digest.hexdigest()[:12]


def peak_rss_mb(who: int = resource.RUSAGE_SELF) -> float:
    """Peak resident memory so far (``ru_maxrss``) of this process, or of its largest finished child
    (``RUSAGE_CHILDREN``: the forked verification workers), in MB."""
    rss = resource.getrusage(who).ru_maxrss
    return rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024


def cpu_seconds() -> float:
    """CPU seconds of this process and its finished children (the forked verification workers)."""
    return sum(
        getattr(resource.getrusage(who), part)
        for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
        for part in ("ru_utime", "ru_stime")
    )
