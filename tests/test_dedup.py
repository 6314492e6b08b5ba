"""Document-level dedup removes copies, not relatives: planted cases through the Python API and the CLI.

A removed document names a kept survivor and is mostly contained in it, measured directly (no chain);
an exact copy, a trimmed copy and a lightly edited copy go; an independent rewrite of the story and a
template filled in with other numbers or names stay; identical texts collapse to one survivor; the
input's field names (``date``) are kept. The texts are written for these tests.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from typer.testing import CliRunner

import syndetect
from syndetect.config import DedupConfig
from syndetect.dedup import dedup_documents, input_record
from syndetect.dedup.measure import containment, jaccard, substitutions
from syndetect.text.normalize import words
from syndetect_cli.app import _register, app
from tests.fixtures.planted import EDITED, TRIMMED, WIRE

_register()
runner = CliRunner()
N = DedupConfig().ngram
THRESHOLD = DedupConfig().threshold

# The wire story told again by another desk: its own words, one quoted paragraph shared.
REWRITE = (
    "بدأت وزارة الصحة حملتها السنوية لمكافحة الإنفلونزا، وتسعى هذا العام إلى الوصول لنحو مليوني شخص "
    "من المواطنين والمقيمين في مختلف المناطق، على أن تستمر الحملة ستة أسابيع.\n"
    + WIRE.split("\n")[1]
    + "\nويرى مختصون أن توقيت الحملة مناسب لأن الإصابات تتزايد عادة مع انخفاض درجات الحرارة، وأن "
    "التطعيم المبكر يخفف الضغط على أقسام الطوارئ في المستشفيات خلال أشهر الشتاء."
)

# One cable template, filled in for two countries: other head of state, other occasion, other date.
CABLE = (
    "بعث خادم الحرمين الشريفين برقية تهنئة لفخامة الرئيس {name} رئيس جمهورية {country} بمناسبة ذكرى "
    "{day} لبلاده الذي يوافق {date} من الشهر الجاري. وأعرب الملك باسمه وباسم شعب وحكومة المملكة العربية "
    "السعودية عن أصدق التهاني وأطيب التمنيات بالصحة والسعادة لفخامته، ولحكومة وشعب جمهورية {country} "
    "الصديق اطراد التقدم والازدهار، مؤكدا حرص المملكة على تعزيز العلاقات الثنائية بين البلدين في جميع "
    "المجالات وتطوير التعاون المشترك بما يخدم مصالح الشعبين ويحقق تطلعاتهما نحو مستقبل أفضل. كما بعث "
    "ولي العهد نائب رئيس مجلس الوزراء وزير الداخلية برقية تهنئة مماثلة لفخامة الرئيس {name} عبر فيها عن "
    "أبلغ التهاني وأطيب التمنيات بموفور الصحة والسعادة لفخامته، ولحكومة وشعب جمهورية {country} الصديق "
    "المزيد من التقدم والازدهار. وبعث ولي ولي العهد النائب الثاني لرئيس مجلس الوزراء وزير الدفاع برقية "
    "تهنئة مماثلة عبر فيها عن أصدق التهاني وأطيب التمنيات بدوام الصحة والسعادة، ولحكومة وشعب جمهورية "
    "{country} الصديق المزيد من الرقي والازدهار في ظل العلاقات الطيبة التي تجمع البلدين والشعبين منذ "
    "عقود طويلة من التعاون والتفاهم والاحترام المتبادل في المحافل الإقليمية والدولية. وتأتي هذه البرقيات "
    "في إطار التقليد الذي دأبت عليه القيادة في تهنئة قادة الدول الصديقة والشقيقة بمناسباتهم الوطنية، "
    "تعبيرا عن عمق الروابط التي تجمع المملكة بدول العالم وحرصها الدائم على مد جسور الصداقة والتواصل "
    "مع مختلف الشعوب، وعلى دعم كل ما من شأنه أن يعزز الأمن والاستقرار والسلام في المنطقة والعالم."
)
CABLE_A = CABLE.format(name="خوان سانتوس", country="كولومبيا", day="الاستقلال", date="20")
CABLE_B = CABLE.format(name="توني تان", country="سنغافورة", day="اليوم الوطني", date="9")

# A market report: the same sentences every day, the figures differ.
MARKET = (
    "أغلق مؤشر سوق الأسهم السعودية تعاملات اليوم مرتفعا {a} نقطة ليصل إلى مستوى {b} نقطة، وبلغت قيمة "
    "الأسهم المتداولة {c} مليار ريال موزعة على أكثر من {d} ألف صفقة، وسجلت أسهم القطاع المصرفي والقطاع "
    "البتروكيماوي أكبر المكاسب بين القطاعات، فيما تراجعت أسهم قطاع التأمين وقطاع التطوير العقاري، وقال "
    "محللون إن السيولة عادت إلى السوق بعد أسبوع من التذبذب وإن المستثمرين يترقبون نتائج الشركات "
    "الفصلية التي تعلن تباعا خلال الأيام المقبلة، وإن المؤشر قد يختبر مستويات مقاومة جديدة إذا استمرت "
    "عمليات الشراء على الأسهم القيادية بالوتيرة نفسها حتى نهاية الأسبوع الجاري. وأوضح المحللون أن "
    "أداء السوق خلال الفترة الماضية تأثر بتقلبات أسعار النفط في الأسواق العالمية وبالأوضاع الاقتصادية في "
    "المنطقة، مشيرين إلى أن المستثمرين الأفراد ما زالوا يشكلون النسبة الأكبر من المتعاملين في السوق، "
    "وأن دخول المؤسسات الاستثمارية بشكل أوسع قد يسهم في استقرار التداولات وتقليل حدة التذبذب اليومي."
)
MARKET_1 = MARKET.format(a="45", b="9123", c="6.2", d="120")
MARKET_2 = MARKET.format(a="38", b="9161", c="5.8", d="114")

# A chain: B is A's middle and a new paragraph Q (mostly A); C is Q and a little of B (mostly B, hardly A).
_P = WIRE.split("\n")
Q = "وفي سياق متصل أطلقت الوزارة تطبيقا جديدا يتيح حجز مواعيد التطعيم واختيار المركز الأقرب"
CHAIN_A = WIRE
CHAIN_B = "\n".join([_P[0], _P[1], _P[2], Q])
CHAIN_C = _P[2].split("،")[1].strip() + "\n" + Q


def _docs(*items: tuple[str, str, str]) -> list[dict]:
    return [
        {
            "id": i,
            "outlet": f"o-{i}",
            "date": f"2015-07-{21 + k:02d}T08:00:00+03:00",
            "title": f"t {i}",
            "text": t,
        }
        for k, (i, t, _) in enumerate(items)
    ]


def _tokens(text: str) -> list[str]:
    return words(text)


def _check_removals(dd, texts: dict[str, str]) -> None:
    """Every removal names a kept document and is directly contained in it as much as it says."""
    kept = {d.id for d in dd.kept}
    for r in dd.removed:
        assert r["kept"] in kept, r
        sim = containment(_tokens(texts[r["id"]]), _tokens(texts[r["kept"]]), N)
        assert sim >= THRESHOLD and r["similarity"] == round(sim, 4), r
        assert r["jaccard"] == round(jaccard(_tokens(texts[r["id"]]), _tokens(texts[r["kept"]]), N), 4)


CASES = [
    ("wire", WIRE, "kept"),
    ("copy", WIRE, "exact"),
    ("trimmed", TRIMMED, "contained"),
    ("edited", EDITED, "near-copy"),
    ("rewrite", REWRITE, "kept"),
]


def _run(records, **kw):
    return syndetect.run(records, run={"jobs": 1}, **kw)


@pytest.mark.parametrize("profile", [None, "crawl-dedup"])
def test_copies_go_and_relatives_stay(profile):
    records = _docs(*CASES)
    run = _run(records, profile=profile)
    if profile is None:  # the rewrite shares a passage with the wire: a candidate, and syndication
        assert any({m.a.doc, m.b.doc} == {"wire", "rewrite"} for m in run.pairs)
    dd = run.dedup()
    got = {r["id"]: r for r in dd.removed}
    assert {i: got[i]["reason"] for i in got} == {i: why for i, _, why in CASES if why != "kept"}
    assert all(r["kept"] == "wire" and r["group_size"] == 4 for r in got.values())
    assert containment(_tokens(REWRITE), _tokens(WIRE), N) < THRESHOLD  # why it stays
    _check_removals(dd, {i: t for i, t, _ in CASES})
    assert dd.groups["wire"] == (got["copy"]["group"], 4)
    assert dd.stats["groups"] == 1
    assert dd.stats["removed_by_reason"] == {"exact": 1, "near-copy": 1, "contained": 1}


def test_a_template_filled_in_twice_is_not_a_duplicate():
    a, b = _tokens(CABLE_A), _tokens(CABLE_B)
    assert containment(b, a, N) >= THRESHOLD  # mostly the same n-grams: containment alone would remove it
    subs = substitutions(b, a)
    assert subs.names >= 3 and subs.numbers == 1
    m1, m2 = _tokens(MARKET_1), _tokens(MARKET_2)
    assert containment(m2, m1, N) >= THRESHOLD and substitutions(m2, m1).numbers == 4
    for pair in [(CABLE_A, CABLE_B), (MARKET_1, MARKET_2)]:
        run = _run(_docs(("a", pair[0], ""), ("b", pair[1], "")))
        assert any({m.a.doc, m.b.doc} == {"a", "b"} for m in run.pairs)  # a candidate, and still kept
        dd = run.dedup()
        assert dd.removed == [] and [d.id for d in dd.kept] == ["a", "b"]
        assert sum(dd.stats["not_removed"].values()) == 1


def test_the_same_cable_reprinted_is_a_duplicate():
    reprint = CABLE_A.replace("بعث خادم", "وبعث خادم").replace("أبلغ", "ابلغ")
    dd = _run(_docs(("a", CABLE_A, ""), ("b", reprint, ""), ("c", CABLE_B, ""))).dedup()
    assert [(r["id"], r["kept"]) for r in dd.removed] == [("b", "a")]


def test_no_removal_by_chain():
    b, c = _tokens(CHAIN_B), _tokens(CHAIN_C)
    a = _tokens(CHAIN_A)
    assert containment(b, a, N) >= THRESHOLD  # B is mostly A
    assert containment(c, b, N) >= THRESHOLD > containment(c, a, N)  # C is mostly B, not A
    texts = {"A": CHAIN_A, "B": CHAIN_B, "C": CHAIN_C}
    dd = _run(_docs(*((k, v, "") for k, v in texts.items()))).dedup()
    assert [(r["id"], r["kept"]) for r in dd.removed] == [("B", "A")]
    assert {d.id for d in dd.kept} == {"A", "C"}
    _check_removals(dd, texts)


def test_identical_texts_collapse_to_one_survivor():
    short = "عاجل: انقطاع الكهرباء"  # too short to be indexed: found by its words alone
    items = [
        ("wire", WIRE, ""),
        ("t1", TRIMMED, ""),
        ("t2", TRIMMED, ""),
        ("t3", " ".join(TRIMMED.split()), ""),  # other whitespace: still exact
        ("t4", TRIMMED.replace("أعلنت", "أَعلنت"), ""),  # a diacritic: the same words
        ("s1", short, ""),
        ("s2", short, ""),
        ("empty1", "", ""),
        ("empty2", "", ""),
    ]
    dd = _run(_docs(*items)).dedup()
    fate = {r["id"]: r["kept"] for r in dd.removed}
    assert {fate.get(i, i) for i in ("t1", "t2", "t3", "t4")} == {"wire"}  # all in the one survivor
    assert fate["s2"] == "s1" and "s1" not in fate
    assert {r["id"]: r["reason"] for r in dd.removed if r["id"] == "s2"} == {"s2": "exact"}
    assert "empty1" not in fate and "empty2" not in fate  # no words, nothing to measure
    assert dd.groups["wire"][1] == 5 and dd.groups["s1"] == dd.groups["s2"] and dd.groups["s1"][1] == 2


def test_identical_texts_the_first_kept_the_rest_exact_or_normalized():
    items = [("x1", EDITED, ""), ("x2", EDITED, ""), ("x3", EDITED.replace("كشفت", "كَشَفت"), "")]
    dd = _run(_docs(*items)).dedup()
    assert [(r["id"], r["kept"], r["reason"], r["similarity"]) for r in dd.removed] == [
        ("x2", "x1", "exact", 1.0),
        ("x3", "x1", "normalized", 1.0),
    ]


def test_same_output_in_any_input_order():
    records = _docs(*CASES, ("chain-c", CHAIN_C, ""), ("cable-a", CABLE_A, ""), ("cable-b", CABLE_B, ""))
    first = _run(records).dedup()
    shuffled = list(records)
    random.Random(7).shuffle(shuffled)
    again = _run(shuffled).dedup()
    assert again.removed == first.removed and [d.id for d in again.kept] == [d.id for d in first.kept]


def test_input_record_keeps_the_field_names():
    rec = {
        "id": "x",
        "title": "t",
        "date": "2015-07-21",
        "author": "واس",
        "text": "نص",
        "url": "https://a.sa/1",
    }
    doc = syndetect.documents([rec])[0]
    assert doc.published == "2015-07-21" and doc.outlet == "a.sa"
    assert input_record(doc) == rec and list(input_record(doc)) == list(rec)


def test_python_api_dedup_documents_directly():
    run = _run(_docs(*CASES))
    dd = dedup_documents(run.docs, run.pairs, DedupConfig(threshold=0.99))
    assert {r["id"] for r in dd.removed} == {"copy"}  # only the exact copy is 99% contained


# ----------------------------------------------------------------------------------------------- CLI


def _cli(*args: str):
    return runner.invoke(app, ["--quiet", *args], catch_exceptions=False)


def _lines(path: Path) -> list[dict]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("profile", ["syndication", "crawl-dedup"])
def test_cli_dedup_records_fields_and_stats(tmp_path, profile):
    records = _docs(*CASES, ("cable-a", CABLE_A, ""), ("cable-b", CABLE_B, ""), ("chain-b", CHAIN_B, ""))
    records.append({"id": "nodate", "text": CHAIN_C, "author": "x"})  # no outlet, no date
    src = tmp_path / "in.jsonl"
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    kept, removed = tmp_path / "kept.jsonl", tmp_path / "removed.jsonl"
    result = _cli("--profile", profile, "dedup", str(src), "-o", str(kept), "--removed", str(removed))
    assert result.exit_code == 0, result.output
    gone = _lines(removed)
    assert {r["id"]: (r["kept"], r["reason"]) for r in gone} == {
        "copy": ("wire", "exact"),
        "trimmed": ("wire", "contained"),
        "edited": ("wire", "near-copy"),
        "chain-b": ("wire", "contained"),
    }
    for r in gone:
        assert list(r) == ["id", "kept", "similarity", "jaccard", "group", "group_size", "reason"]
        assert r["group"] == "g-000001" and r["group_size"] == 5
    out = {r["id"]: r for r in _lines(kept)}
    assert set(out) == {"wire", "rewrite", "cable-a", "cable-b", "nodate"}
    for i, r in out.items():
        src_rec = next(x for x in records if x["id"] == i)
        extra = {"group": "g-000001", "group_size": 5} if i == "wire" else {}
        assert r == {**src_rec, **extra} and list(r) == list(src_rec) + list(extra)  # `date` stays `date`
    stats = json.loads((tmp_path / "kept.jsonl.stats.json").read_text(encoding="utf-8"))["stats"]
    assert stats["dedup"]["groups"] == 1
    assert stats["dedup"]["removed_by_reason"] == {"exact": 1, "near-copy": 1, "contained": 2}
    assert stats["removed"] == 4 and stats["kept"] == 5
    assert {"read", "verify", "dedup", "write"} <= set(stats["seconds"])  # the decisions timed apart


def test_input_record_with_a_null_published_and_a_date():
    rec = {"id": "x", "published": None, "date": "2015-07-21 02:51:32", "text": "نص"}
    doc = syndetect.documents([rec])[0]
    assert doc.published == "2015-07-21 02:51:32"
    assert input_record(doc) == rec  # `published` stays null: the date came from `date`
    both = {"id": "y", "published": "2015-07-22", "date": "22 يوليو", "text": "نص"}
    assert input_record(syndetect.documents([both])[0]) == both


def test_passage_level_cuts_are_measured_directly_against_the_origin():
    records = _docs(*CASES)
    run = _run(records)
    dd = run.dedup(level="passage")
    texts = {r["id"]: r["text"] for r in records}
    origin = {c.id: c.origin for c in run.clusters}
    assert dd.removed
    for r in dd.removed:
        assert list(r) == [
            "id",
            "start",
            "end",
            "kept",
            "similarity",
            "jaccard",
            "group",
            "group_size",
            "reason",
        ]
        o = origin[r["group"]]
        assert r["kept"] == o.doc != r["id"] and r["reason"] == "repeated-passage"
        cut = _tokens(texts[r["id"]][r["start"] : r["end"]])
        assert r["similarity"] == round(containment(cut, _tokens(texts[o.doc]), N), 4)
        assert r["jaccard"] == round(jaccard(cut, _tokens(texts[o.doc][o.start : o.end]), N), 4)
        assert r["similarity"] >= 0.5  # a repeated passage is mostly in the document it repeats
    assert dd.stats["removed_by_reason"] == {"repeated-passage": len(dd.removed)}
    kept = {d.id: d.text for d in dd.kept}
    assert kept["wire"] == WIRE  # the origin of what it shares: untouched
    assert all(len(kept[i]) < len(texts[i]) for i in {r["id"] for r in dd.removed})
