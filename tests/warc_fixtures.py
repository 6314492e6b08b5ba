"""Build realistic Arabic news pages and WARC crawls for tests (written with warcio, in tmp_path).

- :func:`news_page`: an article wrapped in its outlet's site chrome (menu, breaking-news ticker,
  "اقرأ أيضاً" links, most-read box, share buttons, footer with copyright), identical on every page
  of the outlet; three layouts (semantic HTML5, an older div-based CMS, a table layout).
- :class:`WarcBuilder`: response, request, redirect, error and other records.
- :func:`build_demo_warc`: demo-corpus documents (``{"id", "outlet", "url", "published", "title",
  "text"}``) as a ``.warc.gz`` crawl, for end-to-end tests such as ``syndetect pairs crawl.warc.gz``.

The article texts below were written for these tests.
"""

from __future__ import annotations

import html
import io
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

# --------------------------------------------------------------------------------------------- texts

ARTICLES: dict[str, dict[str, Any]] = {
    "desalination": {
        "title": "افتتاح محطة جديدة لتحلية المياه في المنطقة الشرقية",
        "paragraphs": [
            "افتتح وزير المياه والكهرباء صباح اليوم محطة جديدة لتحلية مياه البحر في المنطقة الشرقية، "
            "بطاقة إنتاجية تبلغ مئتين وخمسين ألف متر مكعب يومياً، وذلك ضمن خطة الوزارة لتأمين مياه "
            "الشرب للمدن الساحلية خلال السنوات العشر المقبلة.",
            "وقال الوزير في كلمة ألقاها خلال حفل الافتتاح إن المحطة تعتمد على تقنية التناضح العكسي "
            "التي تستهلك طاقة أقل بنحو الثلث مقارنة بالمحطات الحرارية القديمة، مشيراً إلى أن المشروع "
            "نُفذ بأيدٍ وطنية بنسبة تجاوزت ستين في المئة.",
            "وأوضح مدير المشروع أن أعمال الإنشاء استغرقت ثلاثين شهراً، وأن المحطة ستربط بشبكة أنابيب "
            "يبلغ طولها مئة وعشرين كيلومتراً لنقل المياه إلى الخزانات الرئيسية في المدن المجاورة.",
            "ومن المتوقع أن تسهم المحطة في خفض الاعتماد على المياه الجوفية، التي تراجعت مستوياتها بشكل "
            "ملحوظ خلال العقدين الماضيين بسبب التوسع الزراعي والنمو السكاني.",
        ],
    },
    "book_fair": {
        "title": "معرض الكتاب يستقبل أكثر من مئة ألف زائر في أسبوعه الأول",
        "paragraphs": [
            "أعلنت إدارة معرض الكتاب الدولي أن عدد زوار المعرض تجاوز مئة ألف زائر خلال أسبوعه الأول، "
            "في رقم قياسي لم يسجله المعرض منذ انطلاقه قبل خمسة عشر عاماً.",
            "وأشار رئيس اللجنة المنظمة إلى أن المعرض يضم هذا العام أكثر من تسعمئة دار نشر من ثلاثين "
            "دولة، وأن كتب الأطفال والروايات المترجمة تصدرت قائمة المبيعات حتى الآن.",
            "ويتضمن البرنامج الثقافي المصاحب ندوات يومية وأمسيات شعرية وورش عمل للكتابة الإبداعية، "
            "إضافة إلى جناح خاص بالمخطوطات النادرة يعرض للمرة الأولى أمام الجمهور.",
        ],
    },
    "book_fair_edited": {
        "title": "معرض الكتاب يستقبل أكثر من مئة ألف زائر في أسبوعه الأول",
        "paragraphs": [
            "أعلنت إدارة معرض الكتاب الدولي أن عدد زوار المعرض تجاوز مئة ألف زائر خلال أسبوعه الأول، "
            "في رقم قياسي لم يسجله المعرض منذ انطلاقه قبل خمسة عشر عاماً.",
            "وأشار رئيس اللجنة المنظمة إلى أن المعرض يضم هذا العام أكثر من ألف دار نشر من اثنتين "
            "وثلاثين دولة، وأن كتب الأطفال والروايات المترجمة تصدرت قائمة المبيعات حتى الآن.",
            "ويتضمن البرنامج الثقافي المصاحب ندوات يومية وأمسيات شعرية وورش عمل للكتابة الإبداعية، "
            "إضافة إلى جناح خاص بالمخطوطات النادرة يعرض للمرة الأولى أمام الجمهور.",
            "وقررت الإدارة تمديد ساعات العمل يومي الخميس والجمعة حتى منتصف الليل استجابة للإقبال الكبير "
            "من العائلات وطلاب الجامعات.",
        ],
    },
    "gold": {
        "title": "ارتفاع أسعار الذهب مع تراجع الدولار",
        "paragraphs": [
            "ارتفعت أسعار الذهب في تعاملات اليوم إلى أعلى مستوى لها منذ ثلاثة أسابيع، مدعومة بتراجع "
            "الدولار الأمريكي وتزايد التوقعات بتأجيل رفع أسعار الفائدة.",
            "وقال محللون في أسواق المعادن إن الطلب على الذهب باعتباره ملاذاً آمناً عاد إلى الارتفاع بعد "
            "صدور بيانات اقتصادية أضعف من المتوقع، في حين بقيت أسعار الفضة مستقرة.",
            "وفي السوق المحلية، سجل سعر غرام الذهب من عيار واحد وعشرين قيراطاً زيادة طفيفة، وسط حركة "
            "شراء محدودة من جانب المستهلكين الذين يترقبون مزيداً من الانخفاض قبل موسم الأعراس.",
        ],
    },
    "trees": {
        "title": "بلدية المدينة تطلق حملة لزراعة عشرة آلاف شجرة",
        "paragraphs": [
            "أطلقت بلدية المدينة حملة واسعة لزراعة عشرة آلاف شجرة في الأحياء السكنية والحدائق العامة، "
            "بمشاركة متطوعين من طلاب المدارس والجامعات.",
            "وقال رئيس البلدية إن الحملة تهدف إلى زيادة المساحات الخضراء وتحسين جودة الهواء، موضحاً أن "
            "الأشجار المختارة من الأنواع المحلية التي تتحمل الحرارة وقلة المياه.",
            "وتستمر الحملة ثلاثة أشهر، تتخللها محاضرات توعوية حول أهمية المحافظة على البيئة وترشيد "
            "استهلاك المياه في الري.",
        ],
    },
    "library": {
        "title": "افتتاح أول مكتبة رقمية عامة في المحافظة",
        "paragraphs": [
            "افتتحت وزارة الثقافة أول مكتبة رقمية عامة في المحافظة، تتيح للزوار الاطلاع على أكثر من "
            "خمسين ألف كتاب إلكتروني ومئات الدوريات العلمية مجاناً.",
            "وأوضح مدير المكتبة أن القاعة الرئيسية مجهزة بستين جهاز حاسوب، وأن الاشتراك متاح لجميع "
            "المواطنين والمقيمين عبر بطاقة الهوية.",
            "وتخطط الوزارة لافتتاح مكتبات مماثلة في خمس محافظات أخرى خلال العام المقبل، ضمن برنامج يهدف "
            "إلى تشجيع القراءة بين الشباب.",
        ],
    },
    # Only characters that ISO-8859-6 can encode (no «», no Persian letters).
    "school_football": {
        "title": "انطلاق بطولة المدارس لكرة القدم بمشاركة أربعين فريقا",
        "paragraphs": [
            "انطلقت أمس بطولة المدارس لكرة القدم بمشاركة أربعين فريقا من مختلف المناطق، على أن تقام "
            "المباريات النهائية في الملعب الرئيسي بالعاصمة نهاية الشهر المقبل.",
            "وقال مدير النشاط الرياضي إن البطولة تهدف إلى اكتشاف المواهب الشابة وتنمية روح المنافسة "
            "الشريفة بين الطلاب، مشيرا إلى أن الأندية الكبرى سترسل مندوبين لمتابعة المباريات.",
            "وشهدت المباراة الافتتاحية حضورا جماهيريا لافتا من أولياء الأمور والمعلمين، وانتهت بفوز "
            "فريق مدرسة النور بهدفين مقابل هدف واحد.",
        ],
    },
}

# --------------------------------------------------------------------------------------------- chrome

_NAV_POOL = [
    "الرئيسية", "محليات", "عربي ودولي", "اقتصاد", "رياضة", "ثقافة وفنون", "تكنولوجيا", "مقالات الرأي",
    "منوعات", "صحة", "فيديو", "صور", "الطقس", "أرشيف",
]  # fmt: skip
_HEADLINE_POOL = [
    "وزير التعليم يعلن موعد بدء العام الدراسي الجديد في جميع المناطق",
    "ارتفاع درجات الحرارة إلى خمسين درجة مئوية في عدد من المدن",
    "افتتاح مستشفى تخصصي للأطفال بسعة ثلاثمئة سرير في العاصمة",
    "المنتخب الوطني يتأهل إلى الدور النهائي من البطولة الآسيوية",
    "البنك المركزي يبقي أسعار الفائدة دون تغيير للشهر الرابع",
    "هيئة الطيران المدني تعلن تشغيل رحلات جديدة إلى ثلاث عواصم أوروبية",
    "انخفاض أسعار النفط مع ارتفاع المخزونات الأمريكية للأسبوع الثاني",
    "إطلاق منصة إلكترونية لتلقي شكاوى المستهلكين على مدار الساعة",
    "الدفاع المدني يحذر من السيول ويدعو إلى تجنب الأودية",
    "مهرجان الصيف يختتم فعالياته بحضور أكثر من مليون زائر",
]
_TICKER_POOL = [
    "انقطاع مؤقت للكهرباء في عدد من أحياء العاصمة صباح الغد لأعمال الصيانة",
    "تعليق الدراسة غداً في المدارس الحكومية بسبب الأحوال الجوية",
    "إغلاق الطريق الدائري الشمالي جزئياً لمدة أسبوع",
]


@dataclass(frozen=True)
class Chrome:
    """One outlet's site chrome: the same on every page of the outlet."""

    site_name: str
    layout: str  # "html5", "divs" or "table"
    nav: tuple[str, ...]
    related: tuple[str, ...]
    most_read: tuple[str, ...]
    ticker: str
    year: int = 2015

    @property
    def copyright(self) -> str:
        return f"جميع الحقوق محفوظة © {self.year} {self.site_name}"

    def phrases(self) -> list[str]:
        """Distinctive chrome strings that must never appear in the extracted text."""
        return [
            *self.related,
            *self.most_read,
            self.ticker,
            self.copyright,
            "اشترك في النشرة البريدية ليصلك أهم الأخبار يومياً",
            "سياسة الخصوصية",
            "تابعونا على",
        ]


def chrome_for(outlet: str, site_name: str | None = None, layout: str | None = None) -> Chrome:
    """The deterministic chrome of an outlet (same outlet, same chrome)."""
    h = zlib.crc32(outlet.encode("utf-8"))
    nav = tuple(_NAV_POOL[(h + 3 * i) % len(_NAV_POOL)] for i in range(8))
    nav = tuple(dict.fromkeys(("الرئيسية", *nav)))
    heads = [_HEADLINE_POOL[(h // 7 + i) % len(_HEADLINE_POOL)] for i in range(len(_HEADLINE_POOL))]
    return Chrome(
        site_name=site_name or outlet,
        layout=layout or ("html5", "divs", "table")[h % 3],
        nav=nav,
        related=tuple(heads[:5]),
        most_read=tuple(heads[5:9]),
        ticker=_TICKER_POOL[h % len(_TICKER_POOL)],
    )


def _links(items: tuple[str, ...], prefix: str) -> list[tuple[str, str]]:
    return [(f"/{prefix}/{1000 + 37 * i}", text) for i, text in enumerate(items)]


def _e(s: str) -> str:
    return html.escape(s, quote=True)


def news_page(
    chrome: Chrome,
    title: str,
    paragraphs: list[str],
    *,
    url: str | None = None,
    published: str | None = None,
    charset: str | None = "utf-8",
    author: str | None = "الرياض - محرر الشؤون المحلية",
    headline: bool = True,
) -> str:
    """A full article page: head metadata, the article, and the outlet's chrome around it.

    ``published`` goes into ``article:published_time`` (and a visible ``<time>``) only when given;
    ``charset`` is declared in a ``<meta>`` (``None``: no declaration in the page); ``author`` is
    the byline (``None``: none); ``headline=False`` leaves the visible headline out (the title stays
    in ``<title>`` and ``og:title``).
    """
    head = ["<!DOCTYPE html>", '<html lang="ar" dir="rtl">', "<head>"]
    if charset:
        if chrome.layout == "html5":
            head.append(f'<meta charset="{charset}">')
        else:
            head.append(f'<meta http-equiv="Content-Type" content="text/html; charset={charset}">')
    head.append(f"<title>{_e(title)} | {_e(chrome.site_name)}</title>")
    head.append(f'<meta property="og:site_name" content="{_e(chrome.site_name)}">')
    head.append(f'<meta property="og:title" content="{_e(title)}">')
    head.append('<meta property="og:type" content="article">')
    if url:
        head.append(f'<meta property="og:url" content="{_e(url)}">')
        head.append(f'<link rel="canonical" href="{_e(url)}">')
    if published:
        head.append(f'<meta property="article:published_time" content="{_e(published)}">')
    head.append('<link rel="stylesheet" href="/static/css/main.css?v=3">')
    head.append(
        "<script>window.dataLayer = window.dataLayer || []; dataLayer.push({'page': 'article'});</script>"
    )
    head.append("</head>")

    nav = _links(chrome.nav, "section")
    related = _links(chrome.related, "news")
    most = _links(chrome.most_read, "article")
    body_ps = "\n".join(f"<p>{_e(p)}</p>" for p in paragraphs)
    when = f'<time datetime="{_e(published)}">{_e(published[:10])}</time>' if published else ""
    byline = _e(author) if author else ""
    h1 = f'<h1 class="post-title">{_e(title)}</h1>' if headline else ""
    h2 = f'<div class="news-title"><h2>{_e(title)}</h2></div>' if headline else ""
    h1_old = f'<h1 class="title">{_e(title)}</h1>' if headline else ""
    share = (
        '<div class="share">شارك: <a href="#fb">فيسبوك</a> <a href="#tw">تويتر</a> '
        '<a href="#wa">واتساب</a> <a href="#mail">البريد الإلكتروني</a></div>'
    )
    footer_links = ["من نحن", "اتصل بنا", "أعلن معنا", "سياسة الخصوصية", "شروط الاستخدام"]
    newsletter = (
        '<form class="newsletter"><label>اشترك في النشرة البريدية ليصلك أهم الأخبار يومياً</label>'
        '<input type="email" placeholder="بريدك الإلكتروني"><button>اشتراك</button></form>'
    )
    social = 'تابعونا على: <a href="#fb">فيسبوك</a> <a href="#tw">تويتر</a> <a href="#yt">يوتيوب</a>'

    if chrome.layout == "html5":
        body = f"""<body class="article-page">
<header class="site-header">
 <div class="top-bar"><a href="/login">تسجيل الدخول</a> | <a href="/en">English</a></div>
 <a class="logo" href="/"><img src="/static/logo.png" alt="{_e(chrome.site_name)}"></a>
 <nav class="main-menu"><ul>{"".join(f'<li><a href="{h}">{_e(t)}</a></li>' for h, t in nav)}</ul></nav>
 <div class="ticker"><strong>عاجل:</strong> <a href="/news/999">{_e(chrome.ticker)}</a></div>
</header>
<main class="container">
 <article class="post">
  <nav class="breadcrumb"><a href="/">الرئيسية</a> › <a href="/section/local">محليات</a></nav>
  {h1}
  <div class="post-meta"><span class="author">{byline}</span> {when}</div>
  {share}
  <div class="post-body">
{body_ps}
  </div>
  <div class="related-posts"><h3>اقرأ أيضاً</h3>
   <ul>{"".join(f'<li><a href="{h}">{_e(t)}</a></li>' for h, t in related)}</ul>
  </div>
 </article>
 <aside class="sidebar"><section class="most-read"><h3>الأكثر قراءة</h3>
  <ol>{"".join(f'<li><a href="{h}">{_e(t)}</a></li>' for h, t in most)}</ol></section>
  {newsletter}
 </aside>
</main>
<footer class="site-footer">
 <ul class="footer-links">{"".join(f'<li><a href="/p/{i}">{_e(t)}</a></li>' for i, t in enumerate(footer_links))}</ul>
 <div class="social">{social}</div>
 <p class="copyright">{_e(chrome.copyright)}</p>
</footer>
</body></html>"""
    elif chrome.layout == "divs":
        body = f"""<body>
<div id="wrapper">
<div id="header"><div class="logo"><a href="/"><img src="/images/logo.gif" alt="{_e(chrome.site_name)}"></a></div>
 <div class="menu">{" | ".join(f'<a href="{h}">{_e(t)}</a>' for h, t in nav)}</div>
 <div class="breaking"><span>عاجل</span> <marquee>{_e(chrome.ticker)}</marquee></div>
</div>
<div id="content">
 <div class="right-col">
  {h2}
  <div class="news-date">{byline} {when}</div>
  <div class="news-text" id="NewsText">
{body_ps}
  </div>
  {share}
  <div class="box-related"><div class="box-title">اقرأ أيضاً</div>
   {"".join(f'<div class="item"><a href="{h}">{_e(t)}</a></div>' for h, t in related)}
  </div>
 </div>
 <div class="left-col"><div class="box"><div class="box-title">الأكثر قراءة</div>
  {"".join(f'<div class="item"><a href="{h}">{_e(t)}</a></div>' for h, t in most)}</div>
  {newsletter}
 </div>
</div>
<div id="footer"><div class="links">{" - ".join(f'<a href="/p/{i}">{_e(t)}</a>' for i, t in enumerate(footer_links))}</div>
 <div class="social">{social}</div>
 <div class="copy">{_e(chrome.copyright)}</div></div>
</div>
</body></html>"""
    else:  # table layout of older Arabic news sites
        body = f"""<body bgcolor="#ffffff">
<table width="100%" border="0" cellpadding="0" cellspacing="0">
<tr><td colspan="2" class="header"><img src="/img/banner.jpg" alt="{_e(chrome.site_name)}"></td></tr>
<tr><td colspan="2" class="topmenu">{" &nbsp;|&nbsp; ".join(f'<a href="{h}">{_e(t)}</a>' for h, t in nav)}</td></tr>
<tr><td colspan="2" class="ticker"><b>عاجل:</b> {_e(chrome.ticker)}</td></tr>
<tr>
<td width="70%" valign="top" class="main">
 {h1_old}
 <div class="date">{byline} {when}</div>
 <div class="text">
{body_ps}
 </div>
 {share}
 <table class="related"><tr><td class="related-title">اقرأ أيضاً</td></tr>
 {"".join(f'<tr><td><a href="{h}">{_e(t)}</a></td></tr>' for h, t in related)}
 </table>
</td>
<td width="30%" valign="top" class="side">
 <table class="mostread"><tr><td><b>الأكثر قراءة</b></td></tr>
 {"".join(f'<tr><td><a href="{h}">{_e(t)}</a></td></tr>' for h, t in most)}
 </table>
 {newsletter}
</td></tr>
<tr><td colspan="2" class="footer">{" | ".join(f'<a href="/p/{i}">{_e(t)}</a>' for i, t in enumerate(footer_links))}
 <br>{social}<br>{_e(chrome.copyright)}</td></tr>
</table>
</body></html>"""
    return "\n".join(head) + "\n" + body


# ----------------------------------------------------------------------------------------------- WARC


class WarcBuilder:
    """Write WARC records with warcio; use as a context manager around a ``.warc`` or ``.warc.gz`` path."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self._fh = open(self.path, "wb")  # noqa: SIM115 - closed in close()
        self.writer = WARCWriter(self._fh, gzip=self.path.name.endswith(".gz"))

    def __enter__(self) -> WarcBuilder:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._fh.close()

    def _write(
        self, rtype: str, url: str, payload: bytes, http: StatusAndHeaders | None, date: str | None, **kw
    ):
        warc_headers = {"WARC-Date": date} if date else None
        record = self.writer.create_warc_record(
            url,
            rtype,
            payload=io.BytesIO(payload),
            http_headers=http,
            warc_headers_dict=warc_headers,
            **kw,
        )
        self.writer.write_record(record)

    def warcinfo(self) -> None:
        info = {"software": "syndetect tests", "format": "WARC File Format 1.0"}
        self.writer.write_record(self.writer.create_warcinfo_record(self.path.name, info))

    def response(
        self,
        url: str,
        body: bytes | str,
        *,
        status: str = "200 OK",
        content_type: str | None = "text/html; charset=utf-8",
        date: str | None = "2015-08-12T06:00:00Z",
        headers: list[tuple[str, str]] | None = None,
    ) -> None:
        payload = body.encode("utf-8") if isinstance(body, str) else body
        hdrs = [("Content-Type", content_type)] if content_type else []
        hdrs += headers or []
        hdrs.append(("Content-Length", str(len(payload))))
        http = StatusAndHeaders(status, hdrs, protocol="HTTP/1.1")
        self._write("response", url, payload, http, date)

    def request(self, url: str, date: str | None = "2015-08-12T06:00:00Z") -> None:
        parts = urlsplit(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        http = StatusAndHeaders(
            f"GET {target} HTTP/1.1",
            [("Host", parts.netloc), ("User-Agent", "syndetect-tests/1.0"), ("Accept", "text/html")],
            is_http_request=True,
        )
        self._write("request", url, b"", http, date)

    def redirect(self, url: str, location: str, code: str = "301 Moved Permanently") -> None:
        body = f'<html><body>Moved to <a href="{location}">{location}</a></body></html>'
        self.response(url, body, status=code, headers=[("Location", location)])

    def metadata(self, url: str, text: str = "outlinks: 12\n") -> None:
        self._write(
            "metadata", url, text.encode("utf-8"), None, None, warc_content_type="application/warc-fields"
        )


# ------------------------------------------------------------------------------------- demo corpora


@dataclass
class DemoWarc:
    """What :func:`build_demo_warc` wrote: the file, each document's page URL, and the outlet map."""

    path: Path
    urls: dict[str, str] = field(default_factory=dict)  # input id -> page URL (the WARC document id)
    outlet_map: dict[str, str] = field(default_factory=dict)  # host -> outlet, for ReadConfig


def _slug(outlet: str) -> str:
    keep = "".join(c if c.isascii() and c.isalnum() else "-" for c in outlet.lower()).strip("-")
    return keep or f"outlet-{zlib.crc32(outlet.encode('utf-8')):08x}"


def _paragraphs(text: str) -> list[str]:
    blocks = [b.strip() for b in text.replace("\r\n", "\n").split("\n\n")]
    out = []
    for b in blocks:
        out.extend(line.strip() for line in b.split("\n") if line.strip())
    return out


def _crawled_after(published: str | None, hours: int = 2) -> str | None:
    """A WARC-Date a little after ``published`` (``None`` when it is missing or not ISO 8601)."""
    if not published:
        return None
    try:
        t = datetime.fromisoformat(str(published))
    except ValueError:
        return None
    if t.tzinfo is None:
        t = t.replace(tzinfo=UTC)
    return (t + timedelta(hours=hours)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def build_demo_warc(
    path: str | Path,
    docs: list[dict[str, Any]],
    *,
    crawl_date: str = "2015-08-12T06:00:00Z",
    noise: bool = True,
) -> DemoWarc:
    """Wrap demo-corpus documents into pages with outlet-specific chrome and write a ``.warc.gz``.

    Each document becomes a 200 ``text/html`` response at its ``url`` (else
    ``https://www.<outlet>.example/news/<id>``), with its ``published`` in ``article:published_time``
    (when given) and its ``title``, crawled two hours after ``published`` (at ``crawl_date`` when
    there is none); every page of one outlet carries the same chrome. With ``noise``, a warcinfo
    record, a request record before every response, a redirect, a 404 and a ``text/plain``
    robots.txt are added: none of them may become a document.

    The extracted text is the document's paragraphs (one per line of ``text``, blank lines dropped,
    spaces collapsed) joined with ``"\\n"``. Returns the path, each input id's page URL (the WARC
    document id), and the ``outlet_map`` that gives the pages back their input outlets.
    """
    out = DemoWarc(Path(path))
    with WarcBuilder(out.path) as w:
        if noise:
            w.warcinfo()
        for i, doc in enumerate(docs):
            outlet = str(doc.get("outlet") or "unknown")
            url = (
                doc.get("url") or f"https://www.{_slug(outlet)}.example/news/{quote(str(doc['id']), safe='')}"
            )
            host = (urlsplit(url).hostname or "").removeprefix("www.")
            out.outlet_map.setdefault(host, outlet)
            out.urls[str(doc["id"])] = url
            chrome = chrome_for(outlet, site_name=outlet)
            paragraphs = _paragraphs(str(doc.get("text") or ""))
            title = doc.get("title") or (paragraphs[0][:60] if paragraphs else "خبر")
            page = news_page(
                chrome,
                str(title),
                paragraphs,
                url=url,
                published=doc.get("published"),
                author=None,
                # A text that opens with its own title: the page shows it once, as the text does.
                headline=not (paragraphs and paragraphs[0] == title),
            )
            date = _crawled_after(doc.get("published")) or crawl_date
            if noise:
                w.request(url, date=date)
            w.response(url, page, date=date)
            if noise and i == 0:
                base = f"{urlsplit(url).scheme}://{urlsplit(url).netloc}"
                w.redirect(base + "/old-link", url)
                w.response(base + "/missing", "<html><body>غير موجود</body></html>", status="404 Not Found")
                w.response(base + "/robots.txt", "User-agent: *\nDisallow:\n", content_type="text/plain")
    return out
