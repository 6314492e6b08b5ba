"""syndetect: find duplicated and syndicated text in Arabic news.

The flat public API::

    from syndetect import load_config, read_documents, find_pairs, clusters_of
    from syndetect.normalize import normalize, tokenize
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
    "clusters_of",
    "find_pairs",
    "load_config",
    "read_documents",
    "with_overrides",
]


def __getattr__(name: str):
    # Heavier modules load on first use, so `import syndetect` stays cheap.
    if name == "find_pairs":
        from syndetect.engine import find_pairs

        return find_pairs
    if name == "clusters_of":
        from syndetect.pipeline import clusters_of

        return clusters_of
    if name == "read_documents":
        from syndetect.io.readers import read_documents

        return read_documents
    raise AttributeError(f"module 'syndetect' has no attribute {name!r}")
