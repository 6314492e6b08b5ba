"""Build the bundled demo corpus (data/demo.jsonl, data/known_reuse.json) from the seed page.

The seed is the project's canonical example: an aggregator page (2019-08-19) that stitches together
five outlets' coverage of Assad's visit to Moscow on 20 October 2015.  This script cuts it into one
document per outlet article (each `text` an exact substring of the seed), adds the whole page as one
more document, adds three short unrelated documents written for the demo, and records the known
reuse with character offsets.

Usage (from the repository root; stdlib only):

    python data/build_demo.py                  # reads ../shared/seed/000_fa708f07afe93bea.txt
    python data/build_demo.py --seed PATH --out-dir DIR

The output is deterministic: running it twice gives byte-identical files.  Both outputs are committed,
so the demo works without ../shared.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SEED_NAME = "000_fa708f07afe93bea.txt"
DEFAULT_SEED = REPO_ROOT.parent / "shared" / "seed" / SEED_NAME

# Section title lines, in the order they appear in the seed.  Each outlet section runs from the line
# after its title to the next title (the last one to the boilerplate marker).
BOILERPLATE_MARKER = "مواضيع تهمك"

# id, outlet, title line as in the seed, clean title, lines to drop after the title, published, url,
# expected first words, expected last words (checked, so a changed seed fails loudly).
SECTIONS = [
    {
        "id": "afp-1",
        "outlet": "afp",
        "marker": "بوتين يحادث الملك سلمان بعد لقائه الأسد",
        "title": "بوتين يحادث الملك سلمان بعد لقائه الأسد",
        "drop_head": [],
        "drop_tail": ["-"],
        "published": "2015-10-21T09:30:00+03:00",
        "url": "https://www.afp.com/ar/news/2015/10/21/putin-king-salman-call-after-assad-visit",
        "starts": "اتصل الرئيس الروسي فلاديمير بوتين",
        "ends": "بحسب الكرملين.",
    },
    {
        "id": "bbc-1",
        "outlet": "bbc-arabic",
        "marker": "الأسد يلتقي بالرئيس الروسي في زيارة مفاجئة لموسكو",
        "title": "الأسد يلتقي بالرئيس الروسي في زيارة مفاجئة لموسكو",
        "drop_head": [],
        "drop_tail": [],
        "published": "2015-10-21T13:15:00+01:00",
        "url": "https://www.bbc.com/arabic/middleeast/2015/10/151021_syria_assad_moscow_putin_visit",
        "starts": "الرئاسة السورية قالت إن الأسد عاد إلى دمشق",
        "ends": 'نتائج زيارة الرئيس الأسد الى موسكو."',
    },
    {
        "id": "rt-1",
        "outlet": "rt-arabic",
        "marker": "I بوتين والأسد",
        # "I " is a leftover icon glyph; "25188" (the line after the title) is a page counter, not text.
        "title": "بوتين والأسد",
        "drop_head": ["25188"],
        "drop_tail": [],
        "published": "2015-10-21T11:00:00+03:00",
        "url": "https://arabic.rt.com/news/797312-putin-assad-moscow-secret-visit/",
        "starts": "في زيارة سرية لم يعلن عنها إلا بعد يوم واحد",
        "ends": "إعادة بناء سوريا اقتصاديا وسياسيا.",
    },
    {
        "id": "ria-1",
        "outlet": "ria-novosti",
        "marker": "RIA NOVOSTI الأسد يزور موسكو",
        # "RIA NOVOSTI " is the aggregator's outlet label, not part of the headline.
        "title": "الأسد يزور موسكو",
        "drop_head": [],
        "drop_tail": [],
        "published": "2015-10-21T17:40:00+03:00",
        "url": "https://arabic.sputniknews.com/analysis/201510211016123456/",
        "starts": "إن زيارة الرئيس السوري بشار الأسد إلى موسكو",
        "ends": "تسوية الأزمة السورية سياسيا.",
    },
    {
        "id": "addiyar-1",
        "outlet": "addiyar",
        "marker": "الأسد إلتقى بوتين في موسكو البحث تناول العمليات الحربية والأهم مستقبل الحل السياسي في سوريا",
        "title": "الأسد إلتقى بوتين في موسكو البحث تناول العمليات الحربية والأهم مستقبل الحل السياسي في سوريا",
        "drop_head": [],
        "drop_tail": [],
        "published": "2015-10-21T23:00:00+03:00",
        "url": "https://www.addiyar.com/article/1085316-assad-met-putin-in-moscow",
        "starts": "في زيارة لم يعلن عنها سابقاً",
        "ends": "مع الرئيس الروسي فلاديمير بوتين.",
    },
]

AGGREGATOR = {
    "id": "aggregator-1",
    "outlet": "aggregator",
    "published": "2019-08-19T20:06:00+03:00",
    "url": "https://aggregator.example/2019/08/19/assad-putin-moscow",
}

# Written for the demo (not real reports; fictional outlets on the reserved .example domain).
UNRELATED = [
    {
        "id": "other-1",
        "outlet": "taqs-arabi",
        "published": "2015-10-21T07:30:00+02:00",
        "title": "طقس معتدل نهارا وأمطار خفيفة على المناطق الساحلية",
        "url": "https://taqs-arabi.example/2015/10/21/forecast",
        "text": (
            "توقع مركز الأرصاد الجوية أن يسود طقس معتدل الحرارة نهارا ومائل للبرودة ليلا على معظم "
            "المناطق خلال الأيام الثلاثة المقبلة، مع فرص لسقوط أمطار خفيفة إلى متوسطة على المناطق "
            "الساحلية الشمالية. وأوضح المركز في نشرته اليومية أن درجات الحرارة العظمى ستتراوح بين 24 "
            "و27 درجة مئوية في المدن الداخلية، بينما تنخفض الصغرى إلى 15 درجة في المرتفعات.\n\n"
            "ونصح خبراء الطقس الصيادين بتوخي الحذر بسبب ارتفاع الأمواج إلى مترين ونصف المتر في بعض "
            "المواقع، كما دعوا السائقين إلى خفض السرعة في ساعات الصباح الباكر حين يتشكل الضباب على "
            "الطرق السريعة. وأشار المركز إلى أن الرياح ستكون شمالية غربية معتدلة السرعة، وقد تنشط "
            "أحيانا على المناطق المفتوحة مثيرة للأتربة. ويتوقع أن تتحسن الأحوال الجوية تدريجيا مع "
            "نهاية الأسبوع، لتعود درجات الحرارة إلى معدلاتها المعتادة في مثل هذا الوقت من السنة."
        ),
    },
    {
        "id": "other-2",
        "outlet": "riyada-online",
        "published": "2015-10-21T22:15:00+03:00",
        "title": "الساحل يتأهل إلى نصف نهائي الكأس بركلات الترجيح",
        "url": "https://riyada-online.example/football/2015/10/21/sahel-semi-final",
        "text": (
            "حجز فريق الساحل مقعده في الدور نصف النهائي لبطولة الكأس بعد فوزه على ضيفه فريق الوادي "
            "بركلات الترجيح بنتيجة 4-3، إثر انتهاء الوقتين الأصلي والإضافي بالتعادل بهدف لكل منهما. "
            "وافتتح المهاجم الشاب سامي الخطيب التسجيل لأصحاب الأرض في الدقيقة 34 بتسديدة قوية من خارج "
            "منطقة الجزاء، قبل أن يدرك الضيوف التعادل في الدقيقة 78 من ركلة جزاء.\n\n"
            "وتألق حارس مرمى الساحل في ركلات الترجيح بعدما تصدى لمحاولتين، ليقود فريقه إلى الفوز وسط "
            "فرحة جماهيرية كبيرة ملأت المدرجات. وقال المدرب عقب المباراة إن لاعبيه أظهروا روحا قتالية "
            "عالية رغم الإرهاق وكثافة المباريات، مؤكدا أن الجهاز الطبي سيعمل على تجهيز المصابين قبل "
            "المواجهة المقبلة. ويلتقي الساحل في نصف النهائي مع الفائز من مباراة النجوم والاتحاد "
            "المقررة يوم السبت."
        ),
    },
    {
        "id": "other-3",
        "outlet": "iqtisad-daily",
        "published": "2015-10-21T14:00:00+03:00",
        "title": "ارتفاع طفيف في أسعار الذهب وتراجع الطلب على المشغولات",
        "url": "https://iqtisad-daily.example/markets/2015/10/21/gold-prices",
        "text": (
            "سجلت أسعار الذهب في الأسواق المحلية ارتفاعا طفيفا في تعاملات اليوم، متأثرة بصعود سعر "
            "الأوقية في البورصات العالمية وتذبذب سعر صرف الدولار. وقال عدد من تجار الصاغة إن حركة "
            "البيع والشراء ظلت هادئة منذ بداية الأسبوع، إذ يفضل كثير من المستهلكين الانتظار حتى تستقر "
            "الأسعار قبل اتخاذ قرار الشراء.\n\n"
            "وأوضح أحد التجار أن الطلب على المشغولات الذهبية تراجع بنحو عشرين في المئة مقارنة بالشهر "
            "الماضي، في حين زاد الإقبال على السبائك الصغيرة والجنيهات الذهبية بوصفها وسيلة لحفظ "
            "المدخرات. ويتوقع محللون أن تواصل الأسعار تحركها في نطاق ضيق خلال الأيام المقبلة، بانتظار "
            "بيانات اقتصادية مهمة تصدر نهاية الشهر، مشيرين إلى أن موسم الأعراس المقبل قد يعيد بعض "
            "النشاط إلى السوق."
        ),
    },
]

# Known reuse between two outlet articles: (name, kind, (doc, text), (doc, text)).  Side a is the
# earlier document and the source.  Every text is an exact substring of its document's text.
KNOWN_REUSE = [
    (
        "assad_quote_rt_addiyar",
        "exact",
        (
            "rt-1",
            "لولا قراراتكم وأعمالكم لكان الإرهاب الذي انتشر في المنطقة شغل مساحات أكبر بكثير وانتشر في مناطق أوسع بكثير",
        ),
        (
            "addiyar-1",
            "لولا قراراتكم وأعمالكم لكان الإرهاب الذي انتشر في المنطقة شغل مساحات أكبر بكثير وانتشر في مناطق أوسع بكثير",
        ),
        "Assad's words, copied word for word (RT uses straight quotes, Addiyar curly ones around it).",
    ),
    (
        "peskov_rt_addiyar",
        "rewrite",
        (
            "rt-1",
            "أما المتحدث الرسمي باسم الكرملين دميتري بيسكوف فقد علق على اللقاء بشكل عام، مشيرا إلى أن "
            "بوتين والأسد ناقشا القضايا المتعلقة بمتابعة العمليات العسكرية الروسية في سوريا، وعمليات "
            "محاربة المجموعات الإرهابية والمتطرفة، والقضايا المتعلقة بمتابعة العملية العسكرية الروسية "
            "ودعم العمليات الهجومية للقوات المسلحة السورية.",
        ),
        (
            "addiyar-1",
            "أفاد المتحدث باسم الرئاسة الروسية دميتري بيسكوف أن الرئيسين فلاديمير بوتين وبشار الأسد "
            "ناقشا المسائل المتعلقة بمتابعة العملية الجوية الروسية في سوريا.\n\n"
            "وقال بيسكوف: ” ناقش الرئيسان بالطبع مسائل محاربة المجموعات الإرهابية المتطرفة، والقضايا "
            "المتعلقة بمتابعة العملية الروسية ودعم العمليات الهجومية للقوات المسلحة السورية”.",
        ),
        "Peskov's statement: one sentence in RT, split in two and edited in Addiyar; the tail "
        "'والقضايا المتعلقة بمتابعة العملية ... ودعم العمليات الهجومية للقوات المسلحة السورية' is shared.",
    ),
    (
        "rebuild_syria_rt_addiyar",
        "near",
        ("rt-1", "معربا عن أمله بأن تتابع موسكو ودمشق عملية إعادة بناء سوريا اقتصاديا وسياسيا"),
        ("addiyar-1", "وعبر عن أمله في أن تتابع موسكو ودمشق عملية إعادة بناء سوريا اقتصاديا وسياسيا"),
        "Same clause with the lead-in reworded; 'تتابع موسكو ودمشق عملية إعادة بناء سوريا اقتصاديا "
        "وسياسيا' is verbatim.",
    ),
]

# Pairs that a detector may or may not report: independent translations of the same Kremlin
# statements, sharing only short phrases.
NOT_COPIES = [
    (
        "assad_quote_translations_bbc_rt",
        "translation",
        (
            "bbc-1",
            "إن لم يكن بسبب أعمالكم وقرارتكم، فإن الإرهاب الذي انتشر في المنطقة، كان يمكن أن يبتلع منطقة أكبر، وأن يتوسع على نطاق أكبر",
        ),
        (
            "rt-1",
            "لولا قراراتكم وأعمالكم لكان الإرهاب الذي انتشر في المنطقة شغل مساحات أكبر بكثير وانتشر في مناطق أوسع بكثير",
        ),
        "Two Arabic translations of the same Russian quote; they share only 'الإرهاب الذي انتشر في المنطقة'. "
        "The same holds between bbc-1 and addiyar-1, which carries RT's wording.",
    ),
    (
        "putin_settlement_translations_bbc_rt",
        "translation",
        (
            "bbc-1",
            "إمكانية تحقيق حل طويل الأمد على أساس عملية سياسية بمشاركة كل القوى السياسية، والجماعات الدينية والعرقية",
        ),
        (
            "rt-1",
            "التوصل لتسوية طويلة الأمد على أساس عملية سياسية بمشاركة كل القوى السياسية الدينية والإثنية في سوريا",
        ),
        "Putin's words in two translations; 'على أساس عملية سياسية بمشاركة كل القوى السياسية' coincides.",
    ),
    (
        "putin_settlement_translations_rt_addiyar",
        "translation",
        (
            "rt-1",
            "بوتين لا يزال يؤكد أن موسكو تنطلق من التطورات الإيجابية في العمليات القتالية، التي تقود في "
            "نهاية المطاف إلى التوصل لتسوية طويلة الأمد على أساس عملية سياسية بمشاركة كل القوى السياسية "
            "الدينية والإثنية في سوريا، والكلمة الأخيرة في هذا الشأن يجب أن تبقى للشعب السوري فقط.",
        ),
        (
            "addiyar-1",
            "نحن ننطلق من أنه على أساس الديناميكية الإيجابية في سير العمليات العسكرية يمكن التوصل في "
            "نهاية المطاف إلى تسوية مستقرة على أساس العملية السياسية بمشاركة كل القوى السياسية "
            "والمجموعات الإثنية والدينية. وفي نهاية المطاف تبقى الكلمة الفصل للشعب السوري",
        ),
        "RT paraphrases Putin; Addiyar quotes a different (Kremlin-site) translation of the same words.",
    ),
    (
        "kremlin_readout_afp_bbc",
        "shared source",
        (
            "afp-1",
            "الرئيس الروسي فلاديمير بوتين بالعاهل السعودي الملك سلمان، وأطلعه على نتائج زيارة الرئيس السوري "
            "بشار الأسد، بالأمس الى موسكو.",
        ),
        (
            "bbc-1",
            'السعودي الملك سلمان بن عبدالعزيز.\n\nوأطلع الرئيس بوتين الزعيمين على "نتائج زيارة الرئيس الأسد الى موسكو',
        ),
        "Both report the Kremlin's readout of Putin's call to King Salman in nearly the same words "
        "('نتائج زيارة الرئيس الأسد الى موسكو'); BBC may have drawn on the AFP wire. An order-free "
        "detector pairs them as a rewrite.",
    ),
]


# Independent Arabic translations of the same words (Kremlin statements, the wire's background line):
# what the opt-in semantic channel (``--profile translations``) is for. Word n-grams cannot see most of
# them. ``found`` says whether that channel finds the pair with the calibrated settings (the test
# expects exactly these to be found, and reports the others as known misses).
TRANSLATIONS = [
    (
        "assad_quote_translations_bbc_rt",
        ("bbc-1", NOT_COPIES[0][2][1]),
        ("rt-1", NOT_COPIES[0][3][1]),
        True,
        "Assad's thanks to Russia, translated twice (BBC Arabic, RT Arabic).",
    ),
    (
        "assad_quote_translations_bbc_addiyar",
        ("bbc-1", NOT_COPIES[0][2][1]),
        ("addiyar-1", NOT_COPIES[0][3][1]),
        True,
        "The same two translations: Addiyar carries RT's wording.",
    ),
    (
        "putin_settlement_translations_bbc_rt",
        ("bbc-1", NOT_COPIES[1][2][1]),
        ("rt-1", NOT_COPIES[1][3][1]),
        True,
        "Putin on a lasting settlement through a political process, BBC's and RT's translations.",
    ),
    (
        "putin_settlement_translations_bbc_addiyar",
        ("bbc-1", NOT_COPIES[1][2][1]),
        (
            "addiyar-1",
            "نحن ننطلق من أنه على أساس الديناميكية الإيجابية في سير العمليات العسكرية يمكن التوصل في "
            "نهاية المطاف إلى تسوية مستقرة على أساس العملية السياسية بمشاركة كل القوى السياسية "
            "والمجموعات الإثنية والدينية",
        ),
        True,
        "The same words of Putin: BBC's translation and the Kremlin-site translation Addiyar quotes.",
    ),
    (
        "putin_settlement_translations_rt_addiyar",
        ("rt-1", NOT_COPIES[2][2][1]),
        ("addiyar-1", NOT_COPIES[2][3][1]),
        False,
        "RT's paraphrase of Putin and the Kremlin-site translation in Addiyar. The lexical channels pair "
        "the one phrase they share, and the semantic channel leaves sentences a lexical pair touches to it.",
    ),
    (
        "putin_political_process_translations_rt_addiyar",
        (
            "rt-1",
            "روسيا جاهزة للإدلاء بدلوها ليس فقط في العملية العسكرية ضد الإرهاب، بل وأيضا في العملية السياسية",
        ),
        (
            "addiyar-1",
            "روسيا مستعدة ليس فقط للمساهمة في العمليات الحربية لمكافحة الإرهاب بل وفي العملية السياسية",
        ),
        True,
        "Putin: Russia is ready to contribute not only to the fight against terrorism but to the political "
        "process, translated twice.",
    ),
    (
        "assad_military_politics_translations_rt_addiyar",
        ("rt-1", "الجميع يفهم أن أي تحركات عسكرية لا بد وأن تتبعها خطوات سياسية"),
        ("addiyar-1", "يفهم الجميع أن أي عمل عسكري يفترض خطوات سياسية لاحقة"),
        True,
        "Assad: military action must be followed by political steps, translated twice. Found since unit "
        "pairs are left to a lexical match only when it touches both units.",
    ),
    (
        "first_visit_abroad_afp_bbc",
        ("afp-1", "وزار الاسد موسكو في رحلته الاولى الى الخارج منذ اندلاع النزاع في بلاده في 2011"),
        ("bbc-1", "وهذه هي أول زيارة خارجية للرئيس السوري منذ اندلاع انتفاضة 2011"),
        False,
        "The wires' background line (first trip abroad since 2011), in two wordings; cosine 0.53, "
        "below the channel's floor.",
    ),
]


def fail(message: str) -> None:
    print(f"error: {message}", file=sys.stderr)
    sys.exit(2)


def read_seed(path: Path) -> str:
    if not path.is_file():
        fail(
            f"seed not found: {path} (expected ../shared/seed/{SEED_NAME} relative to the repository "
            "root; pass --seed PATH). The committed data/demo.jsonl does not need it."
        )
    return path.read_text(encoding="utf-8")


def line_start(seed: str, marker: str, after: int = 0) -> int:
    """Offset of the line that is exactly `marker` (after offset `after`)."""
    pos = after
    while True:
        i = seed.find(marker, pos)
        if i < 0:
            fail(f"{SEED_NAME}: section title not found: {marker!r}")
        bol = i == 0 or seed[i - 1] == "\n"
        eol = i + len(marker) == len(seed) or seed[i + len(marker)] == "\n"
        if bol and eol:
            return i
        pos = i + 1


def strip_span(seed: str, start: int, end: int) -> tuple[int, int]:
    while start < end and seed[start].isspace():
        start += 1
    while end > start and seed[end - 1].isspace():
        end -= 1
    return start, end


def drop_line(seed: str, start: int, end: int, line: str, at_head: bool) -> tuple[int, int]:
    if at_head:
        nl = seed.find("\n", start, end)
        if nl < 0 or seed[start:nl].strip() != line:
            fail(f"{SEED_NAME}: expected the line {line!r} at offset {start}")
        return strip_span(seed, nl, end)
    nl = seed.rfind("\n", start, end)
    if nl < 0 or seed[nl + 1 : end].strip() != line:
        fail(f"{SEED_NAME}: expected the line {line!r} before offset {end}")
    return strip_span(seed, start, nl)


def line_no(seed: str, offset: int) -> int:
    return seed.count("\n", 0, offset) + 1


def cut_sections(seed: str) -> tuple[list[dict], int]:
    """Return [{section fields..., start, end}] and the offset where the boilerplate begins."""
    titles = []
    pos = 0
    for sec in SECTIONS:
        pos = line_start(seed, sec["marker"], pos)
        titles.append(pos)
        pos += len(sec["marker"])
    boiler = line_start(seed, BOILERPLATE_MARKER, pos)
    bounds = titles[1:] + [boiler]
    out = []
    for sec, title_at, next_at in zip(SECTIONS, titles, bounds, strict=True):
        start, end = strip_span(seed, title_at + len(sec["marker"]), next_at)
        for line in sec["drop_head"]:
            start, end = drop_line(seed, start, end, line, at_head=True)
        for line in sec["drop_tail"]:
            start, end = drop_line(seed, start, end, line, at_head=False)
        text = seed[start:end]
        if not text.startswith(sec["starts"]) or not text.endswith(sec["ends"]):
            fail(f"{SEED_NAME}: section {sec['id']} does not start/end as expected; has the seed changed?")
        out.append({**sec, "start": start, "end": end, "title_line": line_no(seed, title_at)})
    return out, boiler


def span(doc_id: str, text: str | None, docs: dict[str, str], bounds: tuple[int, int] | None = None) -> dict:
    """A side of a reuse record; `text` None means the span given by `bounds` (default: the whole doc)."""
    body = docs[doc_id]
    if text is None:
        s, e = (0, len(body)) if bounds is None else bounds
        return {"doc": doc_id, "text": None, "start": s, "end": e}
    s = body.find(text)
    if s < 0:
        fail(f"known reuse text is not in {doc_id}: {text[:40]!r}...")
    if body.find(text, s + 1) >= 0:
        fail(f"known reuse text occurs twice in {doc_id}: {text[:40]!r}...")
    return {"doc": doc_id, "text": text, "start": s, "end": s + len(text)}


def build(seed: str) -> tuple[list[dict], dict]:
    sections, boiler = cut_sections(seed)
    docs = []
    for sec in sections:
        docs.append(
            {
                "id": sec["id"],
                "outlet": sec["outlet"],
                "published": sec["published"],
                "title": sec["title"],
                "url": sec["url"],
                "text": seed[sec["start"] : sec["end"]],
            }
        )
    first_line = seed.split("\n", 1)[0].strip()
    docs.append({**AGGREGATOR, "title": first_line, "text": seed})
    docs.extend(dict(d) for d in UNRELATED)
    # Keep the documented field order.
    order = ["id", "outlet", "published", "title", "url", "text"]
    docs = [{k: d[k] for k in order} for d in docs]

    texts = {d["id"]: d["text"] for d in docs}
    reuse = []
    for name, kind, (da, ta), (db, tb), note in KNOWN_REUSE:
        reuse.append(
            {
                "name": name,
                "kind": kind,
                "a": span(da, ta, texts),
                "b": span(db, tb, texts),
                "source": "a",
                "note": note,
            }
        )
    for sec in sections:
        reuse.append(
            {
                "name": f"aggregator_section_{sec['id'].split('-')[0]}",
                "kind": "exact",
                "a": span(sec["id"], None, texts),
                "b": span("aggregator-1", None, texts, bounds=(sec["start"], sec["end"])),
                "source": "a",
                "note": f"seed lines {line_no(seed, sec['start'])}-{line_no(seed, sec['end'])}: the whole "
                f"{sec['id']} text, copied into the aggregator page under the title line "
                f"{sec['title_line']} ('text': null = the span given by start/end).",
            }
        )
    not_copies = [
        {"name": name, "kind": kind, "a": span(da, ta, texts), "b": span(db, tb, texts), "note": note}
        for name, kind, (da, ta), (db, tb), note in NOT_COPIES
    ]
    translations = [
        {"name": name, "a": span(da, ta, texts), "b": span(db, tb, texts), "found": found, "note": note}
        for name, (da, ta), (db, tb), found, note in TRANSLATIONS
    ]
    boilerplate = [
        {
            "name": "aggregator_boilerplate",
            "doc": "aggregator-1",
            "text": seed[boiler:].strip(),
            "start": boiler,
            "end": len(seed.rstrip()),
            "note": "site furniture at the end of the page: 'مواضيع تهمك', 'اقرأ أيضاً', navigation, "
            "unrelated teasers. Only in aggregator-1, so no pair; a boilerplate filter should drop it.",
        },
        {
            "name": "aggregator_header",
            "doc": "aggregator-1",
            "text": seed[: titles_start(seed)].strip(),
            "start": 0,
            "end": len(seed[: titles_start(seed)].rstrip()),
            "note": "the page header: title, 'رئيس التحرير', date. Not part of any outlet article.",
        },
    ]
    known = {
        "seed": SEED_NAME,
        "reuse": reuse,
        "not_copies": not_copies,
        "translations": translations,
        "boilerplate": boilerplate,
    }
    return docs, known


def titles_start(seed: str) -> int:
    return line_start(seed, SECTIONS[0]["marker"])


def write_atomic(path: Path, data: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(data, encoding="utf-8", newline="\n")
    tmp.replace(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--seed", type=Path, default=DEFAULT_SEED, help=f"seed page (default: {DEFAULT_SEED})"
    )
    parser.add_argument(
        "--out-dir", type=Path, default=REPO_ROOT / "data", help="where to write (default: data/)"
    )
    args = parser.parse_args(argv)
    seed = read_seed(args.seed)
    docs, known = build(seed)
    args.out_dir.mkdir(parents=True, exist_ok=True)
    lines = "".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs)
    write_atomic(args.out_dir / "demo.jsonl", lines)
    write_atomic(args.out_dir / "known_reuse.json", json.dumps(known, ensure_ascii=False, indent=2) + "\n")
    for d in docs:
        print(f"{d['id']:<13} {d['outlet']:<14} {d['published']}  {len(d['text']):>6} chars", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
