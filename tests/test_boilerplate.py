"""Per-outlet boilerplate and corpus-wide stock phrases are kept out of clusters and listed in the stats."""

from __future__ import annotations

import numpy as np
import pytest

from syndetect.config import load_config
from syndetect.detect.corpus import find_pairs
from syndetect.provenance.boilerplate import (
    BoilerplateConfig,
    drop_stock_pairs,
    find_boilerplate,
    gram_document_frequency,
    segment_key,
    segments,
    specific_grams,
)
from syndetect.provenance.groups import group_matches
from syndetect.records import Document, Match, Passage

FOOTER = "جميع الحقوق محفوظة لصحيفة المثال اليومية، اقرأ أيضا آخر الأخبار وتابعونا على مواقع التواصل الاجتماعي واشترك في النشرة البريدية"
STORIES = [
    "ارتفعت أسعار الذهب في الأسواق المحلية اليوم بنسبة طفيفة مع تزايد الطلب على المشغولات قبل موسم الأعراس.",
    "افتتح معرض الكتاب الدولي أبوابه أمس بمشاركة مئات دور النشر من عشرات الدول وسط إقبال كبير من الزوار.",
    "فاز فريق الساحل بكأس البطولة بعد مباراة مثيرة انتهت بركلات الترجيح أمام جمهور غفير في الملعب الكبير.",
    "حذرت هيئة الأرصاد من أمطار غزيرة وسيول محتملة في المرتفعات الجنوبية خلال الأيام الثلاثة المقبلة.",
    "أعلنت شركة الطيران الوطنية عن خطوط جديدة إلى ثلاث عواصم آسيوية ابتداء من الشهر المقبل بأسعار تنافسية.",
]


def _pages(n: int, outlet: str = "mithal") -> list[Document]:
    return [Document(f"{outlet}-{k}", f"{STORIES[k]}\n{FOOTER}", outlet) for k in range(n)]


SEGMENTS = [
    ("lines", "سطر أول\nسطر ثان", ["سطر أول", "سطر ثان"]),
    ("sentences", "جملة أولى. جملة ثانية؟ ثالثة", ["جملة أولى.", "جملة ثانية؟", "ثالثة"]),
    ("spaces_trimmed", "  سطر  \n\n  آخر ", ["سطر", "آخر"]),
]


@pytest.mark.parametrize("text,expected", [s[1:] for s in SEGMENTS], ids=[s[0] for s in SEGMENTS])
def test_segments(text, expected):
    assert [text[s:e] for s, e in segments(text)] == expected


KEYS = [
    ("digits_masked", "// انتهى // 20:26 ت م", "// انتهى // 19:53 ت م", True),
    ("dateline_dates_masked", "جدة 25 شوال 1436 هـ واس", "جدة 26 شوال 1436 هـ واس", True),
    ("diacritics_and_hamza_folded", "اقرأ أيضاً", "اقرا ايضا", True),
    ("different_words", "اقرأ أيضا", "شارك الخبر", False),
]


@pytest.mark.parametrize("a,b,same", [k[1:] for k in KEYS], ids=[k[0] for k in KEYS])
def test_segment_keys(a, b, same):
    assert (segment_key(a) == segment_key(b)) is same


def test_a_footer_on_several_pages_of_one_outlet_is_boilerplate():
    bp = find_boilerplate(_pages(4) + [Document("other-1", STORIES[4], "other")])
    assert [r["documents"] for r in bp.by_outlet["mithal"]] == [4]
    assert bp.by_outlet["mithal"][0]["text"].startswith("جميع الحقوق محفوظة")
    for k in range(4):
        [(doc, s, e)] = bp.spans_of(f"mithal-{k}")
        assert _pages(4)[k].text[s:e] == FOOTER
    assert bp.spans_of("other-1") == []
    assert bp.to_json()["documents"] == 4


@pytest.mark.parametrize(
    "pages,cfg,found",
    [
        (2, BoilerplateConfig(), False),
        (3, BoilerplateConfig(), True),
        (5, BoilerplateConfig(min_docs=3, min_share=0.9), False),
    ],
    ids=["two_pages_are_not_enough", "three_pages_are", "below_the_share"],
)
def test_boilerplate_needs_enough_documents_and_share(pages, cfg, found):
    docs = _pages(pages)
    if pages == 5:  # 4 of 5 pages carry the footer: 80% < 90%
        docs[4] = Document("mithal-4", STORIES[4], "mithal")
    assert ("mithal" in find_boilerplate(docs, cfg).by_outlet) is found


def test_the_same_passage_across_outlets_is_not_boilerplate():
    docs = [Document(f"o{k}", f"{STORIES[k]}\n{FOOTER}", f"outlet-{k}") for k in range(5)]
    assert find_boilerplate(docs).by_outlet == {}


def test_footer_pairs_are_kept_out_of_clusters_and_counted():
    cfg = load_config()
    docs = _pages(5)
    result = find_pairs(docs, cfg)
    footer_pairs = [m for m in result.matches if docs[0].text.index(FOOTER) <= m.a.start]
    assert footer_pairs, "the engine should pair the shared footer"
    groups = group_matches(result.matches, docs, cfg)
    assert groups.clusters == []
    st = groups.stats()["boilerplate"]
    assert st["pairs_dropped"] == len(result.matches) and st["documents"] == 5
    assert st["by_outlet"]["mithal"][0]["documents"] == 5


def test_a_story_reprinted_with_the_footer_still_clusters():
    cfg = load_config()
    story = " ".join(STORIES)  # a long story, reprinted whole by another outlet
    docs = _pages(4) + [
        Document("mithal-long", story + "\n" + FOOTER, "mithal"),
        Document("naql-1", story, "naql"),
    ]
    result = find_pairs(docs, cfg)
    groups = group_matches(result.matches, docs, cfg)
    members = {m.passage.doc for c in groups.clusters for m in c.members}
    assert {"mithal-long", "naql-1"} <= members


def test_stock_phrases_are_counted_in_documents_and_dropped():
    grams = [
        np.array([1, 2, 3, 3], dtype=np.uint32),
        np.array([2, 3], dtype=np.uint32),
        np.array([3], dtype=np.uint32),
    ]
    values, counts = gram_document_frequency(grams)
    assert dict(zip(values.tolist(), counts.tolist(), strict=True)) == {1: 1, 2: 2, 3: 3}
    df = (values, counts)
    assert specific_grams(np.array([1, 2, 3], dtype=np.uint32), df, min_docs=2) == 1
    docs = {"a": Document("a", "x" * 50), "b": Document("b", "y" * 50)}
    m = Match(Passage("a", 0, 10), Passage("b", 0, 20), "exact", 1.0, 1.0)
    stock = {"x" * 10: np.array([3, 3, 2], dtype=np.uint32)}
    cfg = BoilerplateConfig(stock_min_docs=2, stock_min_specific=1)
    kept, dropped = drop_stock_pairs(
        [m], docs, df, lambda text: stock.get(text, np.array([1], dtype=np.uint32)), cfg
    )
    assert (kept, dropped) == ([], [m])


def test_stock_filter_is_off_in_a_small_corpus():
    df = (np.array([1, 2], dtype=np.uint32), np.array([2, 2]))
    m = Match(Passage("a", 0, 5), Passage("b", 0, 5), "exact", 1.0, 1.0)
    docs = {"a": Document("a", "xxxxx"), "b": Document("b", "yyyyy")}
    kept, dropped = drop_stock_pairs([m], docs, df, lambda t: np.array([1, 2], dtype=np.uint32))
    assert kept == [m] and dropped == []
