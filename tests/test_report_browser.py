"""The demo report in a real headless browser: it renders, reads right to left, shows the highlights.

Needs Chromium from the system packages (``apt-get install -y chromium``) and the ``playwright`` Python
package (no ``playwright install``: the system browser is used). Skipped, with the reason, without them.
Writes the screenshot used in the README to ``docs/report.png``.
"""

from __future__ import annotations

import shutil
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


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


def _rgb(hex_color: str) -> str:
    r, g, b = (int(hex_color[k : k + 2], 16) for k in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


def test_report_renders_right_to_left_with_coloured_marks(browser, report):
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(report.as_uri())
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
    assert all(u.startswith(("file:", "data:")) for u in requests), requests
    # the screenshots in the README: the top of the page, and the aggregator page beside its sources
    page.screenshot(path=str(report.with_name("top.png")))
    view = page.locator("article.view").first
    box = view.bounding_box()
    page.screenshot(
        path=str(report.with_name("view.png")),
        full_page=True,
        clip={"x": box["x"], "y": box["y"], "width": box["width"], "height": min(box["height"], 900)},
    )
    docs = ROOT / "docs"
    docs.mkdir(exist_ok=True)
    shutil.copyfile(report.with_name("top.png"), docs / "report.png")
    shutil.copyfile(report.with_name("view.png"), docs / "report-view.png")
    page.close()


def test_a_mark_links_to_its_origin(browser, report):
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.goto(report.as_uri())
    href = page.evaluate("document.querySelector('mark.reused a').getAttribute('href')")
    assert href.startswith("#")
    target = page.evaluate(f"document.getElementById({href[1:]!r}) !== null")
    assert target
    page.close()


def test_report_fits_a_phone(browser, report):
    page = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2)
    page.goto(report.as_uri())
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1, f"the page is {overflow}px wider than a phone screen"
    columns = page.evaluate("getComputedStyle(document.querySelector('.pair')).gridTemplateColumns")
    assert len(columns.split()) == 1, "the side-by-side view stacks on a phone"
    page.close()
