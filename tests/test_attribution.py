"""Credits in bylines and leads, credited edges, and the common upstream agency of a group."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from syndetect.config import load_config
from syndetect.detect.corpus import find_pairs
from syndetect.io.readers import parse_published
from syndetect.provenance.attribution import (
    agencies_in,
    agency_of,
    common_upstream,
    credited_agencies,
    credits,
    is_credited,
)
from syndetect.provenance.groups import group_matches
from syndetect.records import Document
from tests.fixtures.planted import DOCS as PLANTED

DATA = Path(__file__).resolve().parents[1] / "data"

CREDITS = [
    ("spa_in_parentheses", "الرياض (واس) - أعلنت الوزارة", ["spa"]),
    ("spa_after_a_dash", "جدة - واس\nأعلنت الوزارة", ["spa"]),
    ("spa_guillemets_and_tatweel", "وقال لـ«واس» إن المشروع", ["spa"]),
    ("spa_not_inside_wasi3a", "انتشرت القوات على مساحات واسعة من البلاد", []),
    ("spa_not_inside_muwasat", "قدم التعازي والمواساة لأسرة الفقيد", []),
    ("spa_by_name", "ذكرت وكالة الأنباء السعودية أن", ["spa"]),
    ("afp_letters", "باريس (أ ف ب) - قال", ["afp"]),
    ("afp_name", "بحسب ما نقلت وكالة فرانس برس", ["afp"]),
    ("reuters_with_clitic", "وقال مسؤول لرويترز إن", ["reuters"]),
    ("dpa_letters", "برلين (د ب أ) -", ["dpa"]),
    ("anadolu", "أنقرة - الأناضول", ["anadolu"]),
    ("sana", "دمشق-سانا", ["sana"]),
    ("agencies", "عواصم - وكالات", ["agencies"]),
    ("rt_latin", "موسكو - RT", ["rt"]),
    ("bbc_latin", "BBC عربي", ["bbc"]),
    ("wam_set_apart", "أبوظبي (وام) -", ["wam"]),
    ("wam_inside_a_sentence_is_a_word", "وأم المؤمنين خديجة رضي الله عنها", []),
    ("two_agencies_in_order", "القاهرة (أ ف ب) - ... وقال لرويترز", ["afp", "reuters"]),
]


@pytest.mark.parametrize("text,expected", [c[1:] for c in CREDITS], ids=[c[0] for c in CREDITS])
def test_agencies_are_matched_on_whole_words(text, expected):
    assert agencies_in(text) == expected


def _doc(text: str, author: str | None = None, outlet: str = "okaz") -> Document:
    extra = {"author": author} if author is not None else {}
    return Document("x", text, outlet, extra=extra)


BODY = "أعلنت وزارة الصحة اليوم إطلاق حملة وطنية للتطعيم ضد الإنفلونزا الموسمية. " * 20


@pytest.mark.parametrize(
    "document,where",
    [
        (_doc(BODY, author="الرياض : واس"), "byline"),
        (_doc("الرياض (واس) - " + BODY), "lead"),
        (_doc(BODY + " المصدر: واس"), "tail"),
    ],
    ids=["byline", "lead", "tail"],
)
def test_credits_are_found_in_byline_lead_and_tail(document, where):
    found = [c for c in credits(document) if c.agency == "spa"]
    assert [c.where for c in found] == [where]
    text = document.extra["author"] if where == "byline" else document.text
    assert text[found[0].start : found[0].end] == "واس"


def test_a_credit_in_the_middle_of_a_long_text_is_not_a_byline():
    d = _doc(BODY[:700] + " وقال مصدر لرويترز " + BODY[:700])
    assert credited_agencies(d) == frozenset()


def test_wasi3a_in_the_demo_tail_is_not_spa():
    rec = next(json.loads(line) for line in (DATA / "demo.jsonl").open(encoding="utf-8") if '"ria-1"' in line)
    d = Document(rec["id"], rec["text"], rec["outlet"])
    assert "واسعة" in d.text[-200:]
    assert credited_agencies(d) == frozenset()


def test_a_marker_without_an_agency_is_kept_without_one():
    found = credits(_doc("قال الرئيس بحسب الكرملين إن " + BODY))
    assert [(c.agency, c.text) for c in found] == [(None, "بحسب الكرملين إن أعلنت")]  # marker + 3 words


OUTLETS = [
    ("was", "spa"),
    ("WAS", "spa"),
    ("afp", "afp"),
    ("rt-arabic", "rt"),
    ("bbc-arabic", "bbc"),
    ("okaz", None),
]


@pytest.mark.parametrize("outlet,agency", OUTLETS, ids=[o for o, _ in OUTLETS])
def test_agency_of_outlet(outlet, agency):
    assert agency_of(outlet) == agency


EDGES = [
    ("child_credits_the_parents_agency", frozenset({"spa"}), "was", frozenset(), True),
    ("child_credits_what_the_parent_credits", frozenset({"spa"}), "alyaum", frozenset({"spa"}), True),
    ("child_credits_another_agency", frozenset({"afp"}), "was", frozenset({"spa"}), False),
    ("child_credits_nothing", frozenset(), "was", frozenset({"spa"}), False),
]


@pytest.mark.parametrize(
    "child,parent_outlet,parent_credits,expected", [e[1:] for e in EDGES], ids=[e[0] for e in EDGES]
)
def test_is_credited(child, parent_outlet, parent_credits, expected):
    c, p = Document("c", "", "okaz"), Document("p", "", parent_outlet)
    assert is_credited(c, p, child, parent_credits) is expected


UPSTREAM = [
    ("all_credit_spa", ["okaz", "alriyadh", "sabq"], [{"spa"}, {"spa", "reuters"}, {"spa"}], "spa"),
    ("one_does_not_credit", ["okaz", "alriyadh"], [{"spa"}, set()], None),
    ("spa_article_is_a_member", ["was", "okaz"], [{"spa"}, {"spa"}], None),
    ("they_disagree", ["okaz", "alriyadh"], [{"afp"}, {"reuters"}], None),
    (
        "named_agency_beats_agencies",
        ["okaz", "alriyadh"],
        [{"agencies", "reuters"}, {"agencies", "reuters"}],
        "reuters",
    ),
    ("a_single_member_is_no_group", ["okaz"], [{"spa"}], None),
]


@pytest.mark.parametrize("outlets,creds,expected", [u[1:] for u in UPSTREAM], ids=[u[0] for u in UPSTREAM])
def test_common_upstream(outlets, creds, expected):
    assert common_upstream(outlets, [frozenset(c) for c in creds]) == expected


def _planted(extra: list[dict] | None = None) -> list[Document]:
    out = []
    for r in [*PLANTED, *(extra or [])]:
        t, prec = parse_published(r["published"])
        out.append(
            Document(r["id"], r["text"], r["outlet"], r["published"], t, prec, extra=r.get("extra", {}))
        )
    return out


def test_planted_edges_are_marked_credited_or_not():
    cfg = load_config()
    docs = _planted()
    result = find_pairs(docs, cfg)
    groups = group_matches(result.matches, docs, cfg)
    edges = {m.passage.doc: m for c in groups.clusters for m in c.members if m.parent == "wire"}
    assert edges["edited"].credited is True  # the edited reprint keeps "(واس)"; the wire is SPA's
    assert edges["trimmed"].credited is False  # its own byline, the credit cut
    assert groups.stats()["credited_edges"] >= 1


def test_outlets_crediting_an_agency_outside_the_corpus_share_it_as_upstream():
    """Three outlets carry SPA copy, all credit واس, SPA's own article is not in the corpus."""
    cfg = load_config()
    wire = next(r for r in PLANTED if r["id"] == "wire")["text"]
    body = wire.replace("الرياض (واس) - ", "")
    copies = [
        {
            "id": "okaz-1",
            "outlet": "okaz",
            "published": "2015-07-21T09:00:00+03:00",
            "text": "الرياض (واس) - " + body,
        },
        {
            "id": "riyadh-1",
            "outlet": "alriyadh",
            "published": "2015-07-21T10:00:00+03:00",
            "text": body,
            "extra": {"author": "الرياض - واس"},
        },
        {
            "id": "sabq-1",
            "outlet": "sabq",
            "published": "2015-07-21T11:00:00+03:00",
            "text": body + "\nالمصدر: واس",
        },
    ]
    docs = _planted(copies)
    docs = [d for d in docs if d.id not in {r["id"] for r in PLANTED}]
    result = find_pairs(docs, cfg)
    groups = group_matches(result.matches, docs, cfg)
    assert groups.clusters
    for c in groups.clusters:
        assert c.upstream == "spa"
        assert all(m.parent is None for m in c.members)
        assert [m.rule for m in c.members] == ["origin"] + ["common-upstream"] * (c.size - 1)
    assert groups.stats()["upstream_clusters"] == {"spa": len(groups.clusters)}


def test_a_credited_agency_article_is_the_source_even_when_its_clock_is_late():
    """SPA's page was crawled after the outlet that credits it published: the credit decides."""
    cfg = load_config()
    wire = next(r for r in PLANTED if r["id"] == "wire")
    late = dict(wire, outlet="was", published="2015-07-21T20:00:00+03:00")
    copy = {"id": "okaz-1", "outlet": "okaz", "published": "2015-07-21T12:00:00+03:00", "text": wire["text"]}
    docs = _planted()
    docs = [d for d in docs if d.id == "unrelated"] + _planted([late, copy])[-2:]
    result = find_pairs(docs, cfg)
    groups = group_matches(result.matches, docs, cfg)
    [c] = groups.clusters
    assert c.origin.doc == "wire"
    okaz = next(m for m in c.members if m.passage.doc == "okaz-1")
    assert (okaz.parent, okaz.rule, okaz.credited) == ("wire", "credited-source", True)
    assert okaz.lag_hours == -8.0  # the clocks disagree, and it shows
