"""The lineage rule (``syndetect.provenance.lineage``) and copy trees on small planted chains.

Protects: a reprint of a reprint hangs under the reprint whose edits it inherits (new lead, trimmed
ending, spelling variants, substituted words, a dropped sentence), not under the wire whose passage is
word for word the same; a copy of the wire with nothing inherited stays under the wire; each document
is one member of its group; a negative lag always comes with a rule that says why the clock is overruled.
"""

from __future__ import annotations

import pytest

from syndetect.config import load_config
from syndetect.detect.corpus import find_pairs
from syndetect.io.readers import parse_published
from syndetect.pipeline import Run
from syndetect.provenance.lineage import evidence, lineage_parent, variant_features
from syndetect.records import Document

S = [
    "أعلنت وزارة الصحة اليوم افتتاح مستشفى جديد في مدينة جدة بسعة ثلاثمائة سرير ضمن خطة لتوسيع الخدمات الطبية.",
    "وقال المتحدث الرسمي باسم الوزارة إن المستشفى يضم أقساما متخصصة للطوارئ والعناية المركزة وجراحة القلب.",
    "وأوضح المتحدث أن المشروع استغرق أربع سنوات من العمل المتواصل بتكلفة إجمالية بلغت نحو ستمائة مليون ريال.",
    "وأشار إلى أن المستشفى سيخدم أكثر من مليون ونصف المليون نسمة من سكان جدة والمحافظات المجاورة لها.",
    "وأضاف أن الوزارة تعاقدت مع مئات الأطباء والممرضين من ذوي الخبرة لتشغيل الأقسام الجديدة خلال الأشهر المقبلة.",
    "كما أكد أن المستشفى مجهز بأحدث أجهزة الأشعة والمختبرات وغرف العمليات الذكية ووحدات الغسيل الكلوي.",
    "ومن المنتظر أن يستقبل المستشفى أول مرضاه مطلع الشهر المقبل بعد اكتمال التجارب التشغيلية لجميع الأنظمة.",
]
LEAD = "افتتحت السلطات الصحية في جدة صرحا طبيا ضخما يعد الأكبر من نوعه في المنطقة الغربية خلال العقد الأخير."


def respelled(text: str) -> str:
    """Hamza on alef dropped and final teh marbuta written as heh (a desk's spelling)."""
    out = []
    for w in text.split():
        w = w.replace("أ", "ا").replace("إ", "ا")
        if w.endswith("ة"):
            w = w[:-1] + "ه"
        out.append(w)
    return " ".join(out)


# the reprint's edit, and the reprint of the reprint (which inherits it and adds a light edit of its own)
CHAINS = {
    "new_lead": (" ".join([LEAD, *S[1:]]), " ".join([LEAD, *S[1:5]])),
    "trimmed_ending": (" ".join(S[:5]), respelled(" ".join(S[:2])) + " " + " ".join(S[2:5])),
    "spelling_variants": (respelled(" ".join(S)), respelled(" ".join(S[:5]))),
    "substituted_words": (
        " ".join(S).replace("وقال", "وصرح").replace("وأوضح", "وبين").replace("وأشار", "ولفت"),
        " ".join(S[:6]).replace("وقال", "وصرح").replace("وأوضح", "وبين").replace("وأشار", "ولفت"),
    ),
    "dropped_sentence": (" ".join(S[:3] + S[4:]), " ".join(S[:3] + S[4:6])),
}


def doc(i: str, text: str, when: str, outlet: str | None = None) -> Document:
    t, p = parse_published(when)
    return Document(i, text, outlet or i.split("-")[0], when, t, p)


def tree(docs: list[Document]):
    cfg = load_config()
    run = Run(find_pairs(docs, cfg), cfg)
    groups = [c for c in run.clusters if {m.passage.doc for m in c.members} >= {d.id for d in docs}]
    assert len(groups) == 1, [[(m.passage.doc, m.parent) for m in c.members] for c in run.clusters]
    return {m.passage.doc: m for m in groups[0].members}, groups[0]


@pytest.mark.parametrize("edit", sorted(CHAINS))
def test_a_reprint_of_a_reprint_hangs_under_the_reprint(edit):
    reprint, second = CHAINS[edit]
    docs = [
        doc("was-1", " ".join(S), "2015-08-10T09:00:00+03:00"),
        doc("okaz-1", reprint, "2015-08-10T11:00:00+03:00"),
        doc("sabq-1", second, "2015-08-10T14:00:00+03:00"),
    ]
    members, group = tree(docs)
    assert group.origin.doc == "was-1"
    assert members["okaz-1"].parent == "was-1"
    assert members["sabq-1"].parent == "okaz-1", (edit, members["sabq-1"])


def test_a_copy_of_the_wire_with_nothing_inherited_stays_under_the_wire():
    docs = [
        doc("was-1", " ".join(S), "2015-08-10T09:00:00+03:00"),
        doc("okaz-1", " ".join([LEAD, *S[1:]]), "2015-08-10T11:00:00+03:00"),
        doc("sabq-1", " ".join(S[:5]), "2015-08-10T14:00:00+03:00"),  # has the wire's own first sentence
    ]
    members, _ = tree(docs)
    assert members["sabq-1"].parent == "was-1"


OWN = "وفي سياق متصل قالت مصادر محلية إن أعمال تطوير الطرق المؤدية إلى المستشفى ستبدأ خلال الأسبوع المقبل."


@pytest.mark.parametrize("around", ["alone", "embedded"])
def test_a_full_copy_hangs_under_the_wire_not_under_an_earlier_trimmed_copy(around):
    # The trimmed copy encloses the part it has of sabq's text; the wire encloses all of it: the wire,
    # the longer enclosing copy, is the parent (the trimmed copy lacks half of what sabq has).
    text = " ".join(S) if around == "alone" else " ".join([OWN, *S, OWN])
    docs = [
        doc("was-1", " ".join(S), "2015-08-10T09:00:00+03:00"),
        doc("okaz-1", " ".join(S[:3]), "2015-08-10T11:00:00+03:00"),
        doc("sabq-1", text, "2015-08-10T14:00:00+03:00"),
    ]
    members, group = tree(docs)
    assert group.origin.doc == "was-1"
    assert members["okaz-1"].parent == "was-1"
    assert members["sabq-1"].parent == "was-1", members["sabq-1"]


def test_every_document_is_one_member_and_negative_lags_say_why():
    docs = [
        doc("was-1", " ".join(S), "2015-08-10T09:00:00+03:00"),
        doc("okaz-1", " ".join(S[:3]), "2015-08-10T11:00:00+03:00"),  # trimmed: a shorter span of the wire
        doc("sabq-1", respelled(" ".join(S)), "2015-08-10", "sabq"),  # day-only: ties with the wire
    ]
    members, group = tree(docs)
    assert len(group.members) == len({m.passage.doc for m in group.members}) == 3
    assert group.origin.doc == "was-1"
    for m in group.members:
        if m.lag_hours is not None and m.lag_hours < 0:
            assert m.rule.startswith(("crawl:", "day:")) or m.rule in ("credited-order", "credited-source")


# ------------------------------------------------------------------------------------- the rule alone


@pytest.mark.parametrize("edit", sorted(CHAINS))
def test_the_documents_tell_which_candidate_the_copy_inherits_from(edit):
    reprint, second = CHAINS[edit]
    wire, rep, child = (variant_features(t) for t in (" ".join(S), reprint, second))
    assert lineage_parent(child, [wire, rep]) == 1
    assert lineage_parent(child, [rep, wire]) == 0


def test_no_evidence_no_decision():
    wire = variant_features(" ".join(S))
    trimmed = variant_features(" ".join(S[:5]))
    shorter = variant_features(" ".join(S[:3]))  # a trim of either: nothing tells them apart
    assert lineage_parent(shorter, [wire, trimmed]) is None
    assert lineage_parent(shorter, [wire]) is None


def test_an_edit_made_twice_independently_does_not_decide():
    """Two desks may make the same substitution; a candidate that lacks readings the copy has from
    another is not its parent, even when it shares the copy's edits."""
    base = " ".join(S)
    a = base.replace("وقال", "وصرح").replace("وأوضح", "وبين")  # one desk's substitutions
    b = base.replace("وقال", "وصرح")  # another's: shares one, not the other
    ev = evidence(variant_features(b), [variant_features(base), variant_features(a)])
    assert ev.against[0] > 0 and ev.against[1] > 0
    assert ev.decisive() is None


def test_words_decide_before_a_shared_spelling_habit():
    """A reprint of the new-lead copy, respelled here and there by its own desk: its respellings
    coincide with the spelling copy's (one habit, two desks), but only the lead copy has its words."""
    wire = " ".join(S)
    spelling_copy = respelled(wire)
    lead_copy = " ".join([LEAD, *S[1:]])
    child = " ".join([LEAD, respelled(S[1]), *S[2:]])
    cands = [variant_features(t) for t in (wire, spelling_copy, lead_copy)]
    ev = evidence(variant_features(child), cands)
    assert min(ev.against) > 0  # counted on every spelling, no candidate explains the child alone
    assert lineage_parent(variant_features(child), cands) == 2


def test_spelling_variants_are_kept_and_marks_are_placed():
    f = variant_features("قالت الوزارة")
    assert ("قالت", "الوزارة") in f and ("الوزارة", "\u2403") in f
    assert ("قالت", "الوزاره") not in f
    inner = variant_features("قالت الوزارة اليوم إن", 6, 13)
    assert inner == frozenset()  # one word, neither end of the text: no bigram
