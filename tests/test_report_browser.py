"""The report in a real headless browser, at a phone's width (390 px) and a desktop's (1366 px).

Needs Chromium from the system packages (``scripts/ensure-chromium.sh``, run by ``make test``:
``apt-get install -y chromium``) and the ``playwright`` Python package, which drives that browser
(``executable_path``; no ``playwright install``, no browser download). Skipped, with the reason,
without them. Two reports: the demo corpus's, and a planted one as wide as SaudiNewsNet's (12 outlets,
4 upstream agencies, negative lags, a title with HTML entities). Screenshots go to pytest's temporary
folder; ``scripts/report_screenshots.py`` makes the README's pictures.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WIDTHS = {"phone": (390, 844), "desktop": (1366, 900)}

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="no /usr/bin/chromium: apt-get update && apt-get install -y chromium"
)
sync_api = pytest.importorskip(
    "playwright.sync_api", reason="playwright is a dev dependency: pip install -e '.[dev]'"
)


@pytest.fixture(scope="module")
def report(tmp_path_factory) -> Path:
    import syndetect
    from syndetect.config import load_config
    from syndetect.io.readers import read_documents

    out = tmp_path_factory.mktemp("demo")
    cfg = load_config()
    syndetect.run(list(read_documents([str(ROOT / "data" / "demo.jsonl")], cfg.read)), cfg).write_demo(out)
    return out / "report.html"


OUTLETS = [f"outlet-{name}" for name in "abcdefghijkl"]
AGENCIES = ["afp", "reuters", "dpa", "spa"]


@pytest.fixture(scope="module")
def wide(tmp_path_factory) -> Path:
    """A planted report as wide as SaudiNewsNet's: every outlet reuses every other and 4 agencies."""
    from syndetect.records import Cluster, Document, Member, Passage
    from syndetect.report.data import report_data, write_report_files

    t0 = datetime(2015, 7, 21, 12, tzinfo=UTC)
    words = "أعلنت الوزارة اليوم عن خطة جديدة لتطوير الخدمات في المدن والمحافظات خلال العام المقبل".split()
    docs: dict[str, Document] = {}
    clusters: list[Cluster] = []

    def doc(i: int, outlet: str, hours: float, title: str | None = None) -> str:
        d = f"{outlet}-{i}"
        text = " ".join(words[(i + k) % len(words)] for k in range(40)) + f" رقم {i}"
        when = (t0 + timedelta(hours=hours)).isoformat()
        docs[d] = Document(d, text, outlet, when, title=title or f"خبر رقم {i}")
        return d

    k = 0
    for a, src in enumerate(OUTLETS):
        for b, dst in enumerate(OUTLETS):
            if a == b:
                continue
            k += 1
            origin = doc(k, src, 0)
            # every third copy carries a crawl time before the origin's: a negative lag
            lag = -(b + 0.25) if k % 3 == 0 else a + b + 0.5
            copy = doc(k, dst, lag, title="&#8220;جوراسيك وورلد&#8221; &amp; مقال" if k == 5 else None)
            span = (0, len(docs[origin].text))
            clusters.append(
                Cluster(
                    f"c-{k:06d}",
                    (
                        Member(Passage(origin, *span), rule="origin"),
                        Member(Passage(copy, *span), origin, 0.95, lag, "earlier", False),
                    ),
                    Passage(origin, *span),
                )
            )
    # the last outlet takes 250 more passages from the first: its other cells are under 1%
    for _ in range(250):
        k += 1
        origin, copy = doc(k, OUTLETS[0], 0), doc(k, OUTLETS[-1], 2.5)
        span = (0, len(docs[origin].text))
        clusters.append(
            Cluster(
                f"c-{k:06d}",
                (
                    Member(Passage(origin, *span), rule="origin"),
                    Member(Passage(copy, *span), origin, 0.95, 2.5, "earlier", False),
                ),
                Passage(origin, *span),
            )
        )
    for agency in AGENCIES:
        k += 1
        members = [doc(k, outlet, n) for n, outlet in enumerate(OUTLETS[:6])]
        span = (0, len(docs[members[0]].text))
        clusters.append(
            Cluster(
                f"c-{k:06d}",
                tuple(Member(Passage(m, *span), rule="common-upstream", credited=True) for m in members),
                Passage(members[0], *span),
                upstream=agency,
            )
        )
    out = tmp_path_factory.mktemp("wide") / "report.html"
    write_report_files(out, report_data(docs, clusters))
    return out


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


def _rgb(hex_color: str) -> str:
    r, g, b = (int(hex_color[k : k + 2], 16) for k in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


# Elements sticking out of the viewport sideways, outside a scroll box (.scroll) of their own.
OUTSIDE = """() => {
  const w = window.innerWidth, bad = [];
  for (const el of document.querySelectorAll('body *')) {
    if (el.closest('.scroll')) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 && r.height === 0) continue;
    if (r.left < -1 || r.right > w + 1) bad.push(el.tagName + '.' + el.className + ' ' + r.left + '..' + r.right);
  }
  return bad;
}"""

# Every column header of the matrix, scrolled into view inside its box: fully inside the box and on
# top (not under the sticky outlet column). Returns the headers that are cut off.
COLUMNS = """() => {
  const box = document.querySelector('#matrix .scroll'), bad = [];
  const sticky = box.querySelector('th.corner').getBoundingClientRect();
  for (const th of box.querySelectorAll('thead th:not(.corner)')) {
    th.scrollIntoView({block: 'nearest', inline: 'nearest'});
    const b = box.getBoundingClientRect(), r = th.getBoundingClientRect();
    const s = box.querySelector('th.corner').getBoundingClientRect();
    const inside = r.left >= b.left - 1 && r.right <= b.right + 1;
    const clear = r.right <= s.left + 1 || r.left >= s.right - 1;
    const hit = document.elementFromPoint((r.left + r.right) / 2, (r.top + r.bottom) / 2);
    if (!inside || !clear || !(hit && th.contains(hit))) bad.push(th.innerText + ' ' + r.left + '..' + r.right);
  }
  box.scrollLeft = 0;
  return bad;
}"""

# Each signed number (or "<1%") anywhere on the page: its minus (or less-than) sign is drawn left of
# its first digit.
MINUS = """() => {
  const out = [], walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let node = walk.nextNode(); node; node = walk.nextNode()) {
    const text = node.textContent;
    for (let i = 0; i < text.length - 1; i++) {
      if (!'-<'.includes(text[i]) || !/[0-9]/.test(text[i + 1])) continue;
      const rect = (a) => { const r = document.createRange(); r.setStart(node, a); r.setEnd(node, a + 1);
                            return r.getBoundingClientRect(); };
      out.push([text, rect(i).left < rect(i + 1).left]);
    }
  }
  return out;
}"""


def _page(browser, path: Path, width: str):
    w, h = WIDTHS[width]
    page = browser.new_page(viewport={"width": w, "height": h})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri())
    assert all(u.startswith(("file:", "data:")) for u in requests), requests
    return page


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("which", ["demo", "wide"])
def test_nothing_is_cut_off(browser, report, wide, which, width, tmp_path):
    """No sideways overflow of the page; every matrix column reachable and fully visible in its box."""
    page = _page(browser, report if which == "demo" else wide, width)
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"the page is {overflow}px wider than the {width}'s screen"
    assert page.evaluate(OUTSIDE) == []
    assert page.evaluate(COLUMNS) == []
    heads = page.evaluate("[...document.querySelectorAll('#matrix thead th.col')].map(t => t.innerText)")
    if which == "wide":
        assert heads == OUTLETS + [f"upstream:{a}" for a in sorted(AGENCIES)]
    box = page.evaluate(
        "(() => { const b = document.querySelector('#matrix .scroll');"
        " return [b.scrollWidth, b.clientWidth]; })()"
    )
    if width == "desktop":
        assert box[0] <= box[1] + 1, f"the matrix needs scrolling on a desktop: {box}"
    page.screenshot(path=str(tmp_path / f"{which}-{width}.png"), full_page=True)
    page.locator("#matrix").screenshot(path=str(tmp_path / f"{which}-{width}-matrix.png"))
    page.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_signed_numbers_read_left_to_right(browser, wide, width):
    page = _page(browser, wide, width)
    found = page.evaluate(MINUS)
    assert sum("-" in t for t, _ in found) > 20, "the planted report has negative lags"
    assert sum(t == "<1%" for t, _ in found) >= 10, "and cells under 1%"
    assert [t for t, left in found if not left] == [], "a sign drawn right of its number"
    # the range cells read "low – high" left to right
    cell = page.locator("#lags tbody tr td:nth-child(6) bdi").first
    assert cell.inner_text().count("–") == 1
    page.close()


def test_titles_show_decoded_entities(browser, wide):
    page = _page(browser, wide, "desktop")
    text = page.inner_text("body")
    assert "“جوراسيك وورلد” & مقال" in text
    assert "&#8220;" not in text and "&amp;" not in text
    page.close()


def test_report_renders_right_to_left_with_coloured_marks(browser, report, tmp_path):
    page = _page(browser, report, "desktop")
    assert page.title().startswith("تقرير")
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    assert page.evaluate("document.documentElement.lang") == "ar"
    assert page.locator("h1").inner_text().startswith("تقرير إعادة النشر")
    marks = page.evaluate(
        "[...document.querySelectorAll('mark')].map(m => [m.dataset.cluster, m.dataset.color,"
        " getComputedStyle(m).backgroundColor, m.getBoundingClientRect().width])"
    )
    assert len(marks) > 20
    assert {c for c, *_ in marks} >= {"c-000001", "c-000005"}
    for cluster, color, computed, width in marks:
        assert computed == _rgb(color), (cluster, color, computed)
        assert width > 0, f"{cluster}: an invisible mark"
    assert page.evaluate("document.querySelector('img.heatmap').naturalWidth") > 100
    page.screenshot(path=str(tmp_path / "top.png"))
    page.close()


def test_a_mark_links_to_its_origin(browser, report):
    page = _page(browser, report, "desktop")
    hrefs = page.evaluate("[...document.querySelectorAll('mark a')].map(a => a.getAttribute('href'))")
    assert hrefs and all(h.startswith("#") for h in hrefs)
    missing = page.evaluate("(hs) => hs.filter(h => document.getElementById(h.slice(1)) === null)", hrefs)
    assert missing == []
    page.close()


def test_report_stacks_on_a_phone(browser, report):
    page = _page(browser, report, "phone")
    columns = page.evaluate("getComputedStyle(document.querySelector('.pair')).gridTemplateColumns")
    assert len(columns.split()) == 1, "the side-by-side view stacks on a phone"
    page.close()
