"""The synthetic syndication generator (``tests/synthetic.py``) and the engine on its planted copies.

Protects: the generator's gold (spans that hold the copied text, copies later than their parents,
deterministic for a seed), and the engine's end-to-end promise on edited reprints of Arabic stories:
every planted copy is found between the right documents, nothing else is, and each story's cluster
names its first publication as the origin.
"""

from __future__ import annotations

import re
from collections import defaultdict

import pytest

from syndetect.config import load_config
from syndetect.detect.corpus import find_pairs
from syndetect.pipeline import Run
from tests.synthetic import EDITS, NEAR, REWRITES, SYNONYMS, WIRES, Unit, generate, gold_runs, render, respell

STORIES = (
    "أعلنت وزارة الصحة اليوم افتتاح مستشفى جديد في مدينة جدة بسعة ثلاثمائة سرير، ضمن خطة لتوسيع الخدمات "
    "الطبية في المنطقة الغربية. وقال المتحدث الرسمي باسم الوزارة إن المستشفى يضم أقساما متخصصة للطوارئ "
    "والعناية المركزة وجراحة القلب وطب الأطفال.\n"
    "وأوضح المتحدث أن المشروع استغرق أربع سنوات من العمل المتواصل بتكلفة إجمالية بلغت نحو ستمائة مليون "
    "ريال. وأشار إلى أن المستشفى سيخدم أكثر من مليون ونصف المليون نسمة من سكان جدة والمحافظات المجاورة لها.\n"
    "وأضاف أن الوزارة تعاقدت مع مئات الأطباء والممرضين من ذوي الخبرة لتشغيل الأقسام الجديدة خلال الأشهر "
    "الثلاثة المقبلة. كما أكد أن المستشفى مجهز بأحدث أجهزة الأشعة والمختبرات وغرف العمليات الذكية.\n"
    "ومن المنتظر أن يستقبل المستشفى أول مرضاه مطلع الشهر المقبل بعد اكتمال التجارب التشغيلية لجميع الأنظمة.",
    "تراجعت أسعار النفط في الأسواق العالمية خلال تعاملات الأسبوع الماضي إلى أدنى مستوى لها منذ ستة أشهر، "
    "وسط مخاوف من تباطؤ الطلب في الاقتصادات الآسيوية الكبرى. وانخفض سعر خام برنت بنسبة أربعة في المئة "
    "ليستقر عند سبعة وخمسين دولارا للبرميل.\n"
    "وعزا محللون هذا التراجع إلى ارتفاع المخزونات الأمريكية من الخام بأكثر من التوقعات، إضافة إلى قوة "
    "الدولار أمام العملات الرئيسية. وقال خبير في أسواق الطاقة إن المضاربين قلصوا رهاناتهم على صعود الأسعار "
    "بشكل ملحوظ.\n"
    "وفي المقابل، توقعت منظمة الدول المصدرة للبترول أن يتعافى الطلب العالمي في النصف الثاني من العام مع "
    "عودة النشاط الصناعي في الصين والهند. وأكدت المنظمة في تقريرها الشهري أن الإمدادات ما زالت متوازنة رغم "
    "زيادة إنتاج بعض الأعضاء.\n"
    "ويترقب المستثمرون اجتماع المنظمة المقرر في فيينا نهاية الشهر لمعرفة ما إذا كانت ستقرر خفض سقف الإنتاج.",
    "كشفت وزارة التعليم عن تفاصيل خطتها لاستقبال العام الدراسي الجديد، والتي تشمل تشغيل ألف ومئتي مدرسة "
    "حديثة في مختلف المناطق. وأوضح وكيل الوزارة للشؤون التعليمية أن الخطة تتضمن توزيع الكتب المدرسية على "
    "الطلاب في الأسبوع الأول من الدراسة.\n"
    "وبين الوكيل أن الوزارة أنهت صيانة أكثر من ثمانية آلاف مبنى مدرسي خلال الإجازة الصيفية، وزودت الفصول "
    "بأجهزة العرض التفاعلية وشبكات الإنترنت السريعة. ولفت إلى أن عدد المعلمين الجدد الذين سيباشرون عملهم "
    "هذا العام يتجاوز خمسة عشر ألف معلم ومعلمة.\n"
    "وشدد على أهمية تعاون أولياء الأمور مع إدارات المدارس لضمان انتظام أبنائهم منذ اليوم الأول. كما دعا إلى "
    "الالتزام بمواعيد النقل المدرسي التي ستعلنها كل إدارة تعليمية في منطقتها.\n"
    "وتعتزم الوزارة إطلاق منصة إلكترونية لمتابعة حضور الطلاب ودرجاتهم بالتزامن مع بدء الفصل الدراسي الأول.",
    "حقق فريق الهلال فوزا ثمينا على ضيفه الاتحاد بهدفين مقابل هدف واحد في المباراة التي جمعتهما مساء أمس "
    "على استاد الملك فهد الدولي بالرياض. وافتتح المهاجم البرازيلي التسجيل للهلال في الدقيقة الثامنة عشرة "
    "بتسديدة قوية من خارج منطقة الجزاء.\n"
    "وأدرك الاتحاد التعادل في بداية الشوط الثاني عن طريق ركلة جزاء نفذها قائد الفريق بنجاح، قبل أن يعود "
    "الهلال ليسجل هدف الفوز في الدقائق الأخيرة من اللقاء. وشهدت المباراة حضورا جماهيريا كبيرا تجاوز خمسين "
    "ألف متفرج.\n"
    "وبهذا الفوز رفع الهلال رصيده إلى اثنتين وعشرين نقطة في صدارة جدول الترتيب، بينما تجمد رصيد الاتحاد عند "
    "سبع عشرة نقطة في المركز الرابع. وأبدى مدرب الهلال رضاه عن أداء لاعبيه مؤكدا أن الفريق ما زال قادرا على "
    "تقديم الأفضل.\n"
    "ويلتقي الهلال في الجولة المقبلة مع الشباب في ديربي العاصمة المرتقب، فيما يستضيف الاتحاد فريق الفتح في جدة.",
)

FILLER = (
    "شهدت الطرق السريعة المؤدية إلى مدينة الطائف ازدحاما مروريا خانقا مع بداية عطلة نهاية الأسبوع. "
    "ودعت إدارة المرور قائدي المركبات إلى التقيد بالسرعات المحددة والابتعاد عن التجاوز الخاطئ. "
    "ونشرت الدوريات فرقا ميدانية عند المنعطفات الجبلية لتنظيم حركة السير.",
    "توقع المركز الوطني للأرصاد هطول أمطار رعدية متوسطة على مرتفعات عسير وجازان خلال الساعات المقبلة. "
    "ونبه المركز إلى احتمال جريان السيول في الأودية وانخفاض مدى الرؤية الأفقية. "
    "وطالب الدفاع المدني السكان بالابتعاد عن مجاري المياه وعدم المجازفة بعبورها.",
    "افتتح معرض للفنون التشكيلية في الدمام يضم أكثر من مئتي لوحة لفنانين شباب من دول الخليج. "
    "وتتنوع الأعمال المعروضة بين الخط العربي والتصوير الضوئي والنحت على الخشب. "
    "ويستمر المعرض أسبوعين وسط إقبال لافت من طلاب كليات التصميم.",
    "أطلقت إحدى شركات الاتصالات باقة جديدة للإنترنت المنزلي بسرعات تصل إلى ألف ميغابت في الثانية. "
    "وأكدت الشركة أن التغطية ستشمل الأحياء السكنية في المدن الكبرى قبل نهاية الربع الحالي. "
    "ويرى مختصون أن المنافسة بين المشغلين ستخفض الأسعار على المستهلكين.",
    "نظمت جمعية خيرية في المدينة المنورة حملة لتوزيع السلال الغذائية على الأسر المحتاجة. "
    "وشارك في الحملة نحو ثلاثمائة متطوع من طلاب الجامعات والمدارس الثانوية. "
    "وأشاد مدير الجمعية بروح التكافل التي أظهرها المتبرعون من رجال الأعمال.",
    "سجلت أسعار الذهب في محلات المجوهرات ارتفاعا طفيفا مع تزايد الطلب قبل موسم الأعراس. "
    "وأرجع تجار هذا الارتفاع إلى تقلبات البورصات العالمية وإقبال الأسر على الشراء. "
    "ويتوقع التجار أن تستقر الأسعار بعد انتهاء الموسم.",
    "أعلنت هيئة السياحة عن مهرجان صيفي في أبها يتضمن عروضا فلكلورية وأمسيات شعرية. "
    "ويهدف المهرجان إلى تنشيط الحركة السياحية في المصايف الجنوبية. "
    "وخصصت الهيئة مواقع لعائلات الزوار مزودة بالخدمات والمرافق.",
    "بدأت بلدية الخبر أعمال تطوير الواجهة البحرية بإضافة ممرات للمشاة ومسارات للدراجات. "
    "وتشمل المرحلة الأولى زراعة آلاف الأشجار وإنشاء ملاعب للأطفال. "
    "وتوقعت البلدية أن تنتهي الأعمال قبل حلول فصل الشتاء.",
    "حذرت هيئة الغذاء والدواء من منتج تجميل مقلد يباع عبر مواقع التواصل الاجتماعي. "
    "وأوضحت الهيئة أن التحاليل كشفت احتواءه على مواد محظورة تضر بالبشرة. "
    "ودعت المستهلكين إلى الإبلاغ عن أي منتجات مشبوهة عبر تطبيقها الرسمي.",
    "استضافت جامعة الملك سعود ملتقى للابتكار شاركت فيه فرق طلابية من عشرين جامعة. "
    "وقدمت الفرق مشاريع في مجالات الطاقة المتجددة والروبوتات والزراعة الذكية. "
    "وفاز بالمركز الأول فريق طور نظاما لترشيد استهلاك مياه الري.",
    "انطلقت في الرياض دورة تدريبية للمسعفين على أحدث أساليب الإنعاش القلبي الرئوي. "
    "وتستمر الدورة خمسة أيام بإشراف مدربين معتمدين من الهلال الأحمر. "
    "ويحصل المشاركون في ختامها على شهادات مهنية معترف بها.",
)


def fold(text: str) -> str:
    """Whitespace collapsed, hamza-on-alef and final teh marbuta / alef maqsura folded (as ``respell``)."""
    text = re.sub(r"[أإآ]", "ا", text)
    text = re.sub(r"ة\b", "ه", text)
    text = re.sub(r"ى\b", "ي", text)
    return " ".join(text.split())


@pytest.fixture(scope="module")
def corpus():
    return generate(STORIES, FILLER, seed=7, reprints=(2, 3))


# ---------------------------------------------------------------------------------------------------------
# The generator


def test_same_seed_same_corpus_and_gold():
    a, b = generate(STORIES, FILLER, seed=11), generate(STORIES, FILLER, seed=11)
    assert [(d.id, d.text, d.published) for d in a.docs] == [(d.id, d.text, d.published) for d in b.docs]
    assert a.pairs == b.pairs and a.clusters == b.clusters
    c = generate(STORIES, FILLER, seed=12)
    assert [d.text for d in c.docs] != [d.text for d in a.docs]


@pytest.mark.parametrize("seed", range(6))
def test_gold_spans_hold_the_copied_text(seed):
    """Spans are in bounds; where the edit leaves words alone, both sides hold the same text."""
    s = generate(STORIES, FILLER, seed=seed)
    for p in s.pairs:
        ta, tb = s.text(p.a.doc), s.text(p.b.doc)
        assert 0 <= p.a.start < p.a.end <= len(ta) and 0 <= p.b.start < p.b.end <= len(tb)
        a, b = ta[p.a.start : p.a.end], tb[p.b.start : p.b.end]
        assert a == a.strip() and b == b.strip()
        if p.edit in REWRITES or p.edit == "copy~rewrite":
            continue
        assert fold(a) == fold(b), (p.edit, a[:80], b[:80])


@pytest.mark.parametrize("seed", range(6))
def test_copies_are_later_than_their_parents_and_wires_never_reprint(seed):
    s = generate(STORIES, FILLER, seed=seed)
    for d in s.docs:
        parent = s.parents[d.id]
        if parent is None:
            assert s.edits[d.id] == "origin"
            continue
        assert d.time > s.by_id[parent].time
        assert d.outlet not in WIRES
        assert s.story_of[parent] == s.story_of[d.id]
    for c in s.clusters:
        origin_time = s.by_id[c.origin].time
        assert all(s.by_id[m.doc].time > origin_time for m in c.members if m.doc != c.origin)
        assert c.origin in {m.doc for m in c.members}


def test_every_edit_can_be_drawn():
    s = generate(STORIES * 3, FILLER * 3, seed=1, reprints=(4, 4))
    assert {e for e in s.edits.values()} >= set(EDITS) - {"reprint"} | {"origin"}


def test_spelling_variants_fold_back_to_the_original():
    import random

    text = "أكدت الوزارة أن إطلاق المبادرة الجديدة آخر خطوة في الخطة على مستوى المملكة"
    varied = respell(text, random.Random(0), rate=1.0)
    assert "أ" not in varied and "إ" not in varied and "آ" not in varied
    assert "الوزاره" in varied and "علي" in varied.split()
    assert fold(varied) == fold(text)


def test_synonym_dictionary_is_two_way_and_the_edit_changes_words():
    assert SYNONYMS["قال"] == "صرح" and SYNONYMS["صرح"] == "قال"
    s = generate(STORIES, FILLER, seed=3, edits=("synonyms",), reprints=(1, 1))
    assert s.stats["synonyms:replaced"] > 0
    for d in s.docs:
        if s.edits[d.id] == "synonyms":
            origin = s.by_id[s.parents[d.id]]
            assert d.text != origin.text


def test_gold_runs_break_at_inserted_and_moved_units():
    k = [Unit(f"جملة رقم {i}", (0, i)) for i in range(4)]
    new = Unit("جملة جديدة", (0, -1))
    _, x = render([[k[0], k[1]], [k[2], k[3]]])
    _, y = render([[k[0], new, k[1]], [k[3]], [k[2]]])
    assert len(gold_runs(x, y)) == 4
    _, z = render([[k[0], k[1], k[2]]])
    assert len(gold_runs(x, z)) == 1


def test_unknown_edit_is_refused():
    with pytest.raises(ValueError, match="unknown edit 'paraphrase'"):
        generate(STORIES, FILLER, edits=("paraphrase",))


# ---------------------------------------------------------------------------------------------------------
# The engine on the planted copies


@pytest.mark.parametrize("seed", [7, 8])
def test_engine_finds_exactly_the_planted_copies_and_their_origins(seed):
    s = generate(STORIES, FILLER, seed=seed, reprints=(2, 3), edits=tuple(e for e in EDITS if e != "rewrite"))
    cfg = load_config()
    result = find_pairs(s.docs, cfg)
    predicted = {tuple(sorted((m.a.doc, m.b.doc))) for m in result.matches}
    gold = {tuple(sorted((p.a.doc, p.b.doc))) for p in s.pairs}
    assert predicted == gold, {"missed": gold - predicted, "unplanted": predicted - gold}

    clusters = Run(result, cfg).clusters
    for gc in s.clusters:
        votes: dict[str, int] = defaultdict(int)
        origin = {}
        for c in clusters:
            docs = {m.passage.doc for m in c.members}
            votes[c.id] = len(docs & {m.doc for m in gc.members})
            origin[c.id] = c.origin.doc if c.origin else None
        best = max(sorted(votes), key=votes.__getitem__)
        assert origin[best] == gc.origin, (gc.story, s.edits)


def test_near_and_rewrite_edits_are_both_covered():
    assert NEAR | REWRITES == set(EDITS) and not NEAR & REWRITES
