"""syndetect: find duplicated and syndicated text in Arabic news.

The flat public API::

    import syndetect
    r = syndetect.run("data/demo.jsonl")          # or documents, or dicts, or several paths
    r.pairs, r.clusters, r.dedup(), r.report_data()

Lower-level pieces: :func:`find_pairs` (detection only), :func:`read_documents`,
``syndetect.text.normalize.normalize``.
"""

from syndetect.config import Config, load_config, with_overrides
from syndetect.records import Cluster, Document, Match, Member, Passage

__version__ = "0.1.0"

__all__ = [
    "Cluster",
    "Config",
    "Document",
    "Match",
    "Member",
    "Passage",
    "Run",
    "documents",
    "find_pairs",
    "load_config",
    "read_documents",
    "run",
    "with_overrides",
]

_LAZY = {
    "run": "syndetect.pipeline",
    "Run": "syndetect.pipeline",
    "documents": "syndetect.pipeline",
    "find_pairs": "syndetect.detect.corpus",
    "read_documents": "syndetect.io.readers",
}


def __getattr__(name: str):
    # Heavier modules load on first use, so `import syndetect` stays cheap.
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'syndetect' has no attribute {name!r}")
