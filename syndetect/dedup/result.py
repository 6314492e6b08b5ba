"""What dedup returns: the kept documents, the removed records, the groups, the statistics."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from syndetect.records import Document


def input_record(doc: Document) -> dict[str, Any]:
    """The document as its input record was given: the record's own field names, in its order
    (``date`` stays ``date``, an outlet taken from the URL is not added); ``Document.to_json`` for a
    document that was not read from a record.

    >>> from syndetect.io.readers import document_from_record
    >>> input_record(document_from_record({"id": "x", "date": "2015-07-21", "text": "نص"}))
    {'id': 'x', 'date': '2015-07-21', 'text': 'نص'}
    """
    if not doc.fields:
        return doc.to_json()
    own = {
        "id": doc.id,
        "text": doc.text,
        "outlet": doc.outlet,
        # `date` is in extra unless it was read as the date (then `published` was null or empty)
        "published": None if "date" in doc.fields and "date" not in doc.extra else doc.published,
        "date": doc.published,
        "url": doc.url,
        "title": doc.title,
    }
    return {k: doc.extra[k] if k in doc.extra else own.get(k) for k in doc.fields}


@dataclass
class DedupResult:
    """``kept``: the documents that stay (passage level: with the repeats cut out); ``removed``: the
    ``removed.jsonl`` records; ``groups``: document id -> (group id, group size) for every member of a
    group with duplicates; ``stats``: groups and removals by reason."""

    kept: list[Document]
    removed: list[dict[str, Any]]
    groups: dict[str, tuple[str, int]] = field(default_factory=dict)
    stats: dict[str, Any] = field(default_factory=dict)

    def kept_records(self) -> Iterator[dict[str, Any]]:
        """The ``kept.jsonl`` records: each input record as given, ``group`` and ``group_size`` added
        to the documents that had duplicates."""
        for d in self.kept:
            rec = input_record(d)
            info = self.groups.get(d.id)
            if info is not None:
                rec["group"], rec["group_size"] = info
            yield rec
