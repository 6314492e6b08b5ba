"""Origin and copy tree: time rules, the polmineR tie rule, enclosing copies, revisions, the demo corpus.

The demo assertions are the issue's "done when": every group's origin is its earliest member and never
the aggregator page; the aggregator's sections hang under the outlet article each one reprints; the
Assad quote that Addiyar took from RT has RT as its origin.
"""

from __future__ import annotations

import json
import random
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest

from syndetect.config import load_config
from syndetect.detect.corpus import find_pairs
from syndetect.io.readers import parse_published, read_documents
from syndetect.io.serialize import cluster_json
from syndetect.provenance.groups import build_clusters, enclosing_copies, group_matches
from syndetect.provenance.origin import (
    Direction,
    crawl_batches,
    direction,
    earlier,
    infer_tree,
    source_of,
    when,
    with_sources,
)
from syndetect.provenance.revisions import drop_revision_pairs, revision_chains
from syndetect.provenance.span_graph import span_graph, split_sparse
from syndetect.records import Document, Match, Passage

DATA = Path(__file__).resolve().parents[1] / "data"
RULES = {
    "origin",
    "earlier",
    "earlier-crawl",
    "enclosing-copy",
    "credited-source",
    "credited-order",
    "same-document",
    "undated",
    "common-upstream",
    "tie:agency-first",
    "tie:shorter-is-copy",
    "tie:contains-more",
    "tie:undecided",
    "shared-edits",
}


def doc(i: str, text: str, published: str | None, outlet: str | None = None, **kw) -> Document:
    t, p = parse_published(published) if published else (None, None)
    return Document(i, text, outlet or i, published, t, p, **kw)


# ------------------------------------------------------------------------------------------ the demo


@pytest.fixture(scope="module")
def demo():
    cfg = load_config()
    docs = list(read_documents([str(DATA / "demo.jsonl")], cfg.read))
    result = find_pairs(docs, cfg)
    groups = group_matches(result.matches, result.corpus.docs, cfg, [f.grams for f in result.corpus.feats])
    return {d.id: d for d in docs}, result, groups


def _known():
    return json.loads((DATA / "known_reuse.json").read_text(encoding="utf-8"))


def _sections():
    return [e for e in _known()["reuse"] if e["name"].startswith("aggregator_section_")]


def test_demo_has_groups_with_trees(demo):
    docs, _, groups = demo
    assert len(groups.clusters) >= 8
    for c in groups.clusters:
        assert c.members[0].passage == c.origin and c.members[0].parent is None
        assert all(m.parent is not None for m in c.members[1:]), c.id


def test_every_origin_is_the_earliest_member_and_never_the_aggregator(demo):
    docs, _, groups = demo
    for c in groups.clusters:
        origin = docs[c.origin.doc]
        assert origin.outlet != "aggregator", c.id
        earliest = min(docs[m.passage.doc].time for m in c.members)
        assert origin.time == earliest, f"{c.id}: origin {origin.id} is not the earliest member"


@pytest.mark.parametrize("section", _sections(), ids=lambda e: e["name"].removeprefix("aggregator_section_"))
def test_each_aggregator_section_hangs_under_the_article_it_reprints(demo, section):
    docs, _, groups = demo
    outlet_doc = section["a"]["doc"]
    lo, hi = section["b"]["start"], section["b"]["end"]
    inside = [
        m
        for c in groups.clusters
        for m in c.members
        if m.passage.doc == "aggregator-1" and m.passage.start >= lo - 2 and m.passage.end <= hi + 2
    ]
    assert inside, f"no group member inside the {outlet_doc} section of the aggregator"
    for m in inside:
        assert m.parent == outlet_doc, f"aggregator {m.passage.start}:{m.passage.end} hangs under {m.parent}"


def test_the_rt_addiyar_quote_has_rt_as_origin(demo):
    docs, _, groups = demo
    quote = "لولا قراراتكم وأعمالكم لكان الإرهاب الذي انتشر في المنطقة شغل مساحات أكبر بكثير وانتشر في مناطق أوسع بكثير"
    text = docs["addiyar-1"].text

    def holds_the_quote(m) -> bool:  # the quote's own group, not Addiyar's whole article reprinted
        p = m.passage
        return p.doc == "addiyar-1" and quote in text[p.start : p.end] and p.length < 3 * len(quote)

    found = [c for c in groups.clusters if any(holds_the_quote(m) for m in c.members)]
    assert found
    for c in found:
        assert c.origin.doc == "rt-1"
        assert quote in docs["rt-1"].text[c.origin.start : c.origin.end]
        addiyar = [m for m in c.members if m.passage.doc == "addiyar-1"]
        assert all(m.parent == "rt-1" and m.rule == "earlier" and m.lag_hours == 12.0 for m in addiyar)


def test_every_edge_carries_its_evidence(demo):
    docs, _, groups = demo
    for c in groups.clusters:
        for m in c.members[1:]:
            assert m.rule in RULES, m.rule
            assert m.similarity is not None and 0 < m.similarity <= 1, (c.id, m)
            child, parent = docs[m.passage.doc], docs[m.parent]
            assert m.lag_hours == round((child.time - parent.time).total_seconds() / 3600, 2)
            assert m.credited is False  # nobody in the demo credits anybody


def test_clusters_jsonl_records_carry_the_edge_fields(demo):
    docs, _, groups = demo
    rec = cluster_json(groups.clusters[0], docs)
    assert set(rec) >= {"cluster", "size", "outlets", "origin", "members"}
    for m in rec["members"]:
        assert set(m) >= {
            "doc",
            "outlet",
            "published",
            "start",
            "end",
            "parent",
            "similarity",
            "lag_hours",
            "rule",
        }


@pytest.mark.parametrize("seed", [7, 8])
def test_groups_do_not_depend_on_input_order(demo, seed):
    docs, result, groups = demo
    cfg = load_config()
    shuffled = list(docs.values())
    random.Random(seed).shuffle(shuffled)
    other = find_pairs(shuffled, cfg)
    again = group_matches(other.matches, shuffled, cfg, [f.grams for f in other.corpus.feats])
    assert [cluster_json(c, docs) for c in again.clusters] == [cluster_json(c, docs) for c in groups.clusters]


def test_pairs_sources_follow_the_full_rule_on_the_demo(demo):
    docs, result, _ = demo
    for m in with_sources(result.matches, docs):
        src = m.a.doc if m.source == "a" else m.b.doc
        other = m.b.doc if m.source == "a" else m.a.doc
        assert docs[src].time < docs[other].time


# ------------------------------------------------------------------------------------------ time rules

TIMES = [
    ("datetime_before_datetime", "2015-10-21T09:00:00+03:00", "2015-10-21T11:00:00+03:00", "a"),
    ("datetime_after_datetime", "2015-10-21T13:00:00+03:00", "2015-10-21T11:00:00+03:00", "b"),
    ("same_instant_ties", "2015-10-21T11:00:00+03:00", "2015-10-21T08:00:00+00:00", None),
    ("day_ties_with_a_time_that_day", "2015-10-21", "2015-10-21T11:00:00+00:00", None),
    ("day_ties_with_the_same_day", "2015-10-21", "2015-10-21", None),
    ("day_before_next_day", "2015-10-21", "2015-10-22", "a"),
    ("time_before_next_day", "2015-10-21T23:00:00+00:00", "2015-10-22", "a"),
    ("missing_time_ties", None, "2015-10-21", None),
]


@pytest.mark.parametrize("a,b,expected", [t[1:] for t in TIMES], ids=[t[0] for t in TIMES])
def test_earlier_keeps_the_uncertainty(a, b, expected):
    assert earlier(when(doc("a", "", a)), when(doc("b", "", b))) == expected


def test_a_crawl_time_is_an_upper_bound():
    crawled = doc("c", "", "2015-10-21T12:00:00+00:00", extra={"published_source": "fallback"})
    w = when(crawled)
    assert (w.basis, w.hi - w.lo) == ("crawl", timedelta(hours=24))
    assert earlier(w, when(doc("x", "", "2015-10-21T06:00:00+00:00"))) is None  # could be either
    assert earlier(w, when(doc("y", "", "2015-10-21T13:00:00+00:00"))) == "a"  # existed by 12:00
    assert earlier(w, when(doc("z", "", "2015-10-19T13:00:00+00:00"))) == "b"


@pytest.mark.parametrize(
    "count,batched", [(12, True), (9, False)], ids=["twelve_in_a_minute_is_a_crawl", "nine_is_not"]
)
def test_crawl_batches(count, batched):
    docs = [doc(f"d{k}", "", f"2015-08-10T20:27:{k:02d}+00:00", "was") for k in range(count)]
    docs.append(doc("lone", "", "2015-08-10T09:00:00+00:00", "was"))
    found = crawl_batches(docs)
    assert ("d0" in found) is batched and "lone" not in found


# ------------------------------------------------------------------------------- direction of a pair

WIRE = "أعلنت وزارة الصحة اليوم إطلاق حملة وطنية للتطعيم ضد الإنفلونزا الموسمية تستهدف مليوني مواطن. " * 4
LEAD = "في خطوة جديدة لحماية الأسر من أمراض الشتاء وبعد نقاش طويل في مجلس الوزراء حول الميزانية الصحية، "


def _pair(
    a_text, b_text, a_span, b_span, a_when="2015-07-21", b_when="2015-07-21", a_outlet=None, b_outlet=None
):
    da, db = doc("a", a_text, a_when, a_outlet), doc("b", b_text, b_when, b_outlet)
    m = Match(Passage("a", *a_span), Passage("b", *b_span), "exact", 1.0, 1.0)
    return m, {"a": da, "b": db}


DIRECTIONS = [
    (
        "earlier_time_decides",
        _pair(WIRE, WIRE, (0, 100), (0, 100), "2015-07-21T08:00:00+03:00", "2015-07-21T10:00:00+03:00"),
        Direction("a", "earlier"),
    ),
    (
        "same_day_shorter_trimmed_text_is_the_copy",
        _pair(WIRE, WIRE[:200], (0, 200), (0, 200)),
        Direction("a", "tie:shorter-is-copy"),
    ),
    (
        "same_day_text_with_the_other_plus_its_own_lead_is_later",  # a lead of 100+ characters
        _pair(WIRE, LEAD * 2 + WIRE + LEAD, (0, len(WIRE)), (2 * len(LEAD), 2 * len(LEAD) + len(WIRE))),
        Direction("a", "tie:contains-more"),
    ),
    (
        "same_day_only_a_passage_shared_is_undecided",
        _pair(WIRE + LEAD * 3, LEAD * 2 + WIRE[:60], (0, 60), (len(LEAD) * 2, len(LEAD) * 2 + 60)),
        Direction(None, "tie:undecided"),
    ),
    ("same_length_is_undecided", _pair(WIRE, WIRE, (0, 50), (0, 50)), Direction(None, "tie:undecided")),
    (
        "undated_falls_back_on_the_text",
        _pair(WIRE, WIRE[:200], (0, 200), (0, 200), None, None),
        Direction("a", "undated:shorter-is-copy"),
    ),
    (
        "on_a_tie_the_agency_comes_first",
        _pair(WIRE[:200], WIRE, (0, 200), (0, 200), a_outlet="was", b_outlet="okaz"),
        Direction("a", "tie:agency-first"),
    ),
]


@pytest.mark.parametrize("pair,expected", [d[1:] for d in DIRECTIONS], ids=[d[0] for d in DIRECTIONS])
def test_direction_of_a_pair(pair, expected):
    match, docs = pair
    assert direction(match, docs) == expected
    assert source_of(match, docs) == expected.source


def test_source_of_is_symmetric():
    match, docs = _pair(WIRE, WIRE[:200], (0, 200), (0, 200))
    flipped = Match(match.b, match.a, match.kind, match.jaccard, match.containment)
    assert source_of(flipped, docs) == "b"


# ---------------------------------------------------------------------------------------- copy trees


def test_undated_members_come_last_and_never_origin():
    docs = {
        "u": doc("u", WIRE, None),
        "d1": doc("d1", WIRE, "2015-07-21T10:00:00+00:00"),
        "d2": doc("d2", WIRE, "2015-07-21T12:00:00+00:00"),
    }
    nodes = [Passage("u", 0, 100), Passage("d2", 0, 100), Passage("d1", 0, 100)]
    sims = {(0, 1): 1.0, (0, 2): 0.9, (1, 2): 0.8}
    origin, members = infer_tree(nodes, sims, docs)
    assert nodes[origin].doc == "d1"
    assert [m.passage.doc for m in members] == ["d1", "d2", "u"]
    assert members[2].parent == "d2" and members[2].rule == "undated" and members[2].lag_hours is None
    assert members[1].parent == "d1" and members[1].rule == "earlier" and members[1].lag_hours == 2.0


def test_parent_is_the_most_similar_earlier_member():
    docs = {k: doc(k, WIRE, f"2015-07-21T{h:02d}:00:00+00:00") for k, h in (("w", 8), ("x", 9), ("y", 10))}
    nodes = [Passage("w", 0, 100), Passage("x", 0, 100), Passage("y", 0, 100)]
    _, members = infer_tree(nodes, {(0, 1): 0.9, (0, 2): 0.5, (1, 2): 0.95}, docs)
    assert [(m.passage.doc, m.parent, m.similarity) for m in members] == [
        ("w", None, None),
        ("x", "w", 0.9),
        ("y", "x", 0.95),
    ]


def test_two_stories_chained_by_one_formula_are_split():
    # two cliques of six passages joined only through node 0 (a shared formula)
    a = list(range(0, 6))
    b = [0, *range(6, 11)]
    sims = {}
    for group in (a, b):
        for i in group:
            for j in group:
                if i < j:
                    sims[(i, j)] = 1.0 if group is a else 0.9
    sims.pop((0, 6)), sims.pop((0, 7)), sims.pop((0, 8)), sims.pop((0, 9))  # 0 touches b through 10 only
    comps = split_sparse([list(range(11))], sims, split_density=0.5)
    assert sorted(map(len, comps)) == [5, 6]


def test_dense_groups_are_not_split():
    sims = {(i, j): 1.0 for i in range(8) for j in range(i + 1, 8)}
    assert split_sparse([list(range(8))], sims, 0.5) == [list(range(8))]


def test_label_communities_keep_a_star_whole():
    from syndetect.provenance.span_graph import label_communities

    star = [(0, k, 1.0) for k in range(1, 7)]
    assert label_communities(list(range(7)), star) == [list(range(7))]


# ---------------------------------------------------------------------------------------- revisions

REVISIONS = [
    (
        "same_url_modulo_scheme_www_slash",
        ("https://www.okaz.com.sa/n/1/", "http://okaz.com.sa/n/1"),
        ("okaz", "okaz"),
        ("أ", "ب"),
        True,
    ),
    (
        "same_outlet_and_title_sharing_text",
        (None, None),
        ("okaz", "okaz"),
        ("عنوان الخبر نفسه", "عنوان الخبر نفسه"),
        True,
    ),
    (
        "same_title_other_outlet",
        (None, None),
        ("okaz", "sabq"),
        ("عنوان الخبر نفسه", "عنوان الخبر نفسه"),
        False,
    ),
    (
        "different_urls_and_titles",
        ("https://okaz.com.sa/n/1", "https://okaz.com.sa/n/2"),
        ("okaz", "okaz"),
        ("أ ب", "ج د"),
        False,
    ),
]


@pytest.mark.parametrize(
    "urls,outlets,titles,chained", [r[1:] for r in REVISIONS], ids=[r[0] for r in REVISIONS]
)
def test_revision_chains(urls, outlets, titles, chained):
    d1 = doc("r1", WIRE, "2015-07-21T08:00:00+00:00", outlets[0], url=urls[0], title=titles[0])
    d2 = doc(
        "r2", WIRE[:300] + " تحديث", "2015-07-21T09:00:00+00:00", outlets[1], url=urls[1], title=titles[1]
    )
    match = Match(Passage("r1", 0, 300), Passage("r2", 0, 300), "exact", 1.0, 1.0)
    revs = revision_chains([d1, d2], [match])
    assert revs.same_chain("r1", "r2") is chained
    kept, dropped = drop_revision_pairs([match], revs)
    assert (len(kept), len(dropped)) == ((0, 1) if chained else (1, 0))


def test_a_recrawl_is_never_an_edge_and_groups_keep_the_first_revision():
    first = doc("okaz-1", WIRE, "2015-07-21T09:00:00+00:00", "okaz", url="https://okaz.com.sa/n/1")
    again = doc(
        "okaz-1#2", WIRE + " (محدث)", "2015-07-21T15:00:00+00:00", "okaz", url="https://www.okaz.com.sa/n/1/"
    )
    wire = doc("spa-1", WIRE, "2015-07-21T08:00:00+00:00", "was")
    matches = [
        Match(Passage("spa-1", 0, 300), Passage("okaz-1", 0, 300), "exact", 1.0, 1.0),
        Match(Passage("spa-1", 0, 300), Passage("okaz-1#2", 0, 300), "exact", 1.0, 1.0),
        Match(Passage("okaz-1", 0, 300), Passage("okaz-1#2", 0, 300), "exact", 1.0, 1.0),
    ]
    groups = group_matches(matches, [first, again, wire], load_config())
    assert groups.stats()["revisions"]["chains"] == 1
    assert len(groups.dropped_revision_pairs) == 1
    members = [m.passage.doc for c in groups.clusters for m in c.members]
    assert "okaz-1#2" not in members and "okaz-1" in members


def test_build_clusters_keeps_its_simple_call():
    docs = {k: doc(k, WIRE, f"2015-07-21T{h:02d}:00:00+00:00") for k, h in (("w", 8), ("x", 9))}
    m = Match(Passage("w", 0, 100), Passage("x", 0, 100), "exact", 1.0, 1.0)
    [c] = build_clusters([m], docs, 0.5)
    assert (c.id, c.origin.doc, c.members[1].parent) == ("c-000001", "w", "w")


def test_enclosing_copy_beats_a_more_similar_direct_pair():
    # agg copies page "p" whole (inside: a sentence p took from "src"); agg's sentence also pairs with src
    sentence = "قال المتحدث باسم الوزارة إن الحملة تشمل كبار السن والأطفال دون الخامسة والحوامل في كل المناطق"
    src = doc("src", "مقدمة مختلفة تماما عن الموضوع. " + sentence, "2015-07-21T08:00:00+00:00")
    page = doc("p", LEAD + sentence + " " + LEAD, "2015-07-21T09:00:00+00:00")
    agg = doc("agg", "رأس الصفحة. " + page.text, "2019-01-01T00:00:00+00:00", "aggregator")
    off = len("رأس الصفحة. ")
    s_src = src.text.index(sentence)
    s_p = page.text.index(sentence)
    L = len(sentence)
    matches = [
        Match(Passage("p", 0, len(page.text)), Passage("agg", off, off + len(page.text)), "exact", 1.0, 1.0),
        Match(Passage("src", s_src, s_src + L), Passage("p", s_p, s_p + L), "exact", 0.9, 0.9),
        Match(Passage("src", s_src, s_src + L), Passage("agg", off + s_p, off + s_p + L), "exact", 1.0, 1.0),
    ]
    clusters = build_clusters(matches, {d.id: d for d in (src, page, agg)}, 0.5)
    quote = next(c for c in clusters if c.origin.doc == "src")
    agg_member = next(m for m in quote.members if m.passage.doc == "agg")
    assert (agg_member.parent, agg_member.rule) == ("p", "enclosing-copy")


def test_a_projected_node_sees_every_copy_that_encloses_it():
    # d copies the wire o in full and is also near-identical to an earlier rewrite r; r's opening
    # paragraph is paired with a third outlet a. Projected into d, that paragraph becomes a node of d
    # enclosed by r's copy: it is enclosed by o's full copy just as much, so o is in the same tier and
    # the copy tree can pick the wire (it used to see r alone and hang d under the rewrite).
    sentences = [
        "أعلنت وزارة الصحة اليوم افتتاح مستشفى جديد في مدينة جدة بسعة ثلاثمائة سرير.",
        "وقال المتحدث الرسمي باسم الوزارة إن المستشفى يضم أقساما متخصصة للطوارئ والعناية المركزة.",
        "وأوضح المتحدث أن المشروع استغرق أربع سنوات من العمل المتواصل بتكلفة بلغت ستمائة مليون ريال.",
        "وأشار إلى أن المستشفى سيخدم أكثر من مليون ونصف المليون نسمة من سكان جدة والمحافظات المجاورة.",
        "وأضاف أن الوزارة تعاقدت مع مئات الأطباء والممرضين لتشغيل الأقسام الجديدة خلال الأشهر المقبلة.",
        "كما أكد أن المستشفى مجهز بأحدث أجهزة الأشعة والمختبرات وغرف العمليات ووحدات الغسيل الكلوي.",
    ]
    body = " ".join(sentences)
    head = sentences[0]
    o, d, r = (
        doc("o", body, "2015-07-21T08:00:00+00:00"),
        doc("d", body, "2015-07-21T12:00:00+00:00"),
        doc("r", body, "2015-07-21T09:00:00+00:00"),
    )
    a = doc("a", "رأس الصفحة. " + head, "2015-07-21T10:00:00+00:00")
    L, h, off = len(body), len(head), len("رأس الصفحة. ")
    matches = [
        Match(Passage("o", 0, L), Passage("d", 0, L), "near", 0.95, 0.95),
        Match(Passage("d", 0, L), Passage("r", 0, L), "near", 0.9, 0.9),
        Match(Passage("a", off, off + h), Passage("r", 0, h), "exact", 1.0, 1.0),
    ]
    graph = span_graph(matches, 0.5)
    enclosing, _ = enclosing_copies(
        graph, matches, 0.5, load_config().provenance, {x.id: x for x in (o, d, r, a)}
    )
    added = [k for k, n in enumerate(graph.nodes) if n.doc == "d" and n.length < L // 2]
    assert added, "the paragraph is projected into d"
    for k in added:
        assert {"o", "r"} <= set(enclosing[k][0]), enclosing[k]


def test_with_sources_leaves_the_spans_alone(demo):
    docs, result, _ = demo
    out = with_sources(result.matches, docs)
    assert [replace(m, source=None) for m in out] == [replace(m, source=None) for m in result.matches]


def test_with_sources_is_the_rule_applied_to_every_match(demo):
    """One decision per document pair gives what the rule gives each match (the per-match formula),
    on the demo and on a corpus with time ties, day-only dates and undated documents."""
    from dataclasses import fields

    from syndetect.provenance.origin import shared_spans

    docs, result, _ = demo
    cases = [(result.matches, docs)]
    tied = {
        i: replace(d, time=None, published=None) if k % 3 == 0 else d for k, (i, d) in enumerate(docs.items())
    }
    cases.append((result.matches, tied))
    for matches, dd in cases:
        shared = shared_spans(matches)
        expect = [replace(m, source=direction(m, dd, shared).source) for m in matches]
        assert with_sources(matches, dd) == expect
    # every field of a match survives (the fast copy names them all)
    m = replace(result.matches[0], cosine=0.5, source="b")
    (out,) = with_sources([m], docs)
    assert [getattr(out, f.name) for f in fields(Match) if f.name != "source"] == [
        getattr(m, f.name) for f in fields(Match) if f.name != "source"
    ]
