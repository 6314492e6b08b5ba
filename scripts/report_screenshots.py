"""The README's pictures of the overlap report: the demo corpus's report in headless Chromium at a
desktop's width (1366 px) and a phone's (390 px).

    .venv/bin/python scripts/report_screenshots.py            # writes docs/report*.png

Needs Debian's Chromium (``scripts/ensure-chromium.sh``) and the ``playwright`` package (a dev
dependency), which drives that browser; nothing is downloaded. The page must not be wider than either
screen: the script stops with an error when it is.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


def demo_report(out: Path) -> Path:
    import syndetect
    from syndetect.config import load_config
    from syndetect.io.readers import read_documents

    cfg = load_config()
    syndetect.run(list(read_documents([str(ROOT / "data" / "demo.jsonl")], cfg.read)), cfg).write_demo(out)
    return out / "report.html"


def _open(browser, report: Path, viewport: dict[str, int], scale: int = 1):
    page = browser.new_page(viewport=viewport, device_scale_factor=scale)
    page.goto(report.as_uri())
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    if overflow > 1:
        sys.exit(f"error: the report is {overflow}px wider than a {viewport['width']}px screen")
    return page


def main(docs: Path = ROOT / "docs") -> None:
    if not CHROMIUM.exists():
        sys.exit("error: no /usr/bin/chromium (bash scripts/ensure-chromium.sh, as root)")
    from playwright.sync_api import sync_playwright

    docs.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as p:
        report = demo_report(Path(tmp))
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        # desktop: the top of the page (summary, matrix), and the aggregator's page beside its sources
        page = _open(browser, report, DESKTOP)
        page.screenshot(path=str(docs / "report.png"))
        view = page.locator("article.view").first.bounding_box()
        page.screenshot(
            path=str(docs / "report-view.png"),
            full_page=True,
            clip={"x": view["x"], "y": view["y"], "width": view["width"], "height": min(view["height"], 900)},
        )
        page.close()
        # phone: the matrix section (table scrolled sideways inside its box, outlet names kept) and the
        # lag table, one picture each
        page = _open(browser, report, PHONE, scale=2)
        page.locator("#matrix").screenshot(path=str(docs / "report-phone-matrix.png"))
        page.locator("#lags").screenshot(path=str(docs / "report-phone-lags.png"))
        page.close()
        browser.close()
    for name in ("report.png", "report-view.png", "report-phone-matrix.png", "report-phone-lags.png"):
        print(docs / name)


if __name__ == "__main__":
    main()
