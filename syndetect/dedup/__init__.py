"""Deduplication: one survivor per group of copies (document level), or repeated passages cut out.

Document level (:mod:`syndetect.dedup.documents`): a document is removed only when most of its word
n-grams are in the survivor it names, measured directly between the two, and no differing numbers or
names say it is another story on the same template. Passage level (:mod:`syndetect.dedup.passages`):
every member of a provenance group but its origin is cut out of its document.
"""

from syndetect.dedup.documents import dedup_documents
from syndetect.dedup.passages import dedup_passages
from syndetect.dedup.result import DedupResult, input_record

__all__ = ["DedupResult", "dedup_documents", "dedup_passages", "input_record"]
