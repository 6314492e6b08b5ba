"""Speed and memory of WARC input: parsing alone (warcio, fastwarc) and end to end (``iter_warc``).

Builds a synthetic crawl at run time, in a temporary directory (never in the repository): news pages
made of paragraphs sampled from ``../shared/data/saudinewsnet/articles.jsonl.gz`` (5% one-paragraph
briefs), each wrapped in its outlet's site chrome (``tests/warc_fixtures.py``), a request record before
every response, and redirects, 404s, PDFs and recaptures among them; one outlet in windows-1256. Each
measurement runs in a fresh interpreter, so its peak resident memory (Linux ``VmHWM``) is its own.

Also compares the extractors on a sample of the pages, where the truth is known: the share of the
article's paragraphs found in the output, and the share of pages leaking any chrome phrase. fastwarc
and resiliparse are measured only when installed (``pip install fastwarc resiliparse``); the project
does not depend on them.

Usage:
    .venv/bin/python benchmarks/bench_warc.py                  # 10,000 pages
    .venv/bin/python benchmarks/bench_warc.py --pages 2000 --compare 200 --keep /tmp/crawl
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared" / "data"
ARTICLES = SHARED / "saudinewsnet" / "articles.jsonl.gz"
sys.path.insert(0, str(REPO))
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _proc_status(key: str) -> float | None:
    try:
        with open("/proc/self/status") as fh:
            for line in fh:
                if line.startswith(key + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


def rss_mb() -> float:
    """Peak resident memory of this process so far, in MB.

    Linux's ``VmHWM`` where there is one: ``ru_maxrss`` of a child process also counts the memory of
    the parent it was forked from.
    """
    peak = _proc_status("VmHWM")
    return peak if peak is not None else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mb() -> float:
    """Resident memory now, in MB (``nan`` where /proc is missing)."""
    now = _proc_status("VmRSS")
    return now if now is not None else float("nan")


# ------------------------------------------------------------------------------------------ generate


def load_pool(seed: int, max_paragraphs: int = 80_000) -> tuple[list[str], list[str], list[str]]:
    """Paragraphs (at least 60 characters), titles and outlet names sampled from the corpus."""
    rng = random.Random(seed)
    paragraphs: list[str] = []
    titles: list[str] = []
    outlets: set[str] = set()
    seen = 0
    with gzip.open(ARTICLES, "rt", encoding="utf-8") as fh:
        for line in fh:
            art = json.loads(line)
            outlets.add(art["outlet"])
            if art.get("title"):
                titles.append(" ".join(art["title"].split()))
            for para in art["text"].split("\n"):
                para = " ".join(para.split())
                if len(para) < 60:
                    continue
                seen += 1
                if len(paragraphs) < max_paragraphs:
                    paragraphs.append(para)
                elif (j := rng.randrange(seen)) < max_paragraphs:  # reservoir sampling
                    paragraphs[j] = para
    return paragraphs, titles, sorted(outlets)


def generate(out_dir: Path, pages: int, seed: int) -> dict:
    """Write ``crawl.warc.gz`` and ``truth.jsonl`` (each page's paragraphs and outlet) into ``out_dir``."""
    from tests.warc_fixtures import WarcBuilder, chrome_for, news_page

    rng = random.Random(seed)
    paragraphs, titles, outlets = load_pool(seed)
    chromes = {o: chrome_for(o, site_name=o) for o in outlets}
    legacy = outlets[0]  # this outlet serves windows-1256
    warc_path = out_dir / "crawl.warc.gz"
    briefs = [p for p in paragraphs if len(p) < 200]
    counts = {"briefs": 0, "pages": 0, "recaptures": 0, "redirects": 0, "errors": 0, "pdfs": 0, "requests": 0}
    with WarcBuilder(warc_path) as w, open(out_dir / "truth.jsonl", "w", encoding="utf-8") as truth:
        w.warcinfo()
        urls: list[str] = []
        for i in range(pages):
            outlet = rng.choice(outlets)
            recapture = bool(urls) and rng.random() < 0.03
            url = rng.choice(urls) if recapture else f"https://www.{outlet}.example/news/{i}"
            outlet = url.split("//www.", 1)[1].split(".example", 1)[0]
            if rng.random() < 0.05:  # a news brief: one short paragraph
                paras = [rng.choice(briefs)]
                counts["briefs"] += 1
            else:
                paras = rng.sample(paragraphs, rng.randint(2, 8))
            title = rng.choice(titles)
            published = (
                f"2015-08-{rng.randint(1, 11):02d}T{rng.randint(0, 23):02d}:{rng.randint(0, 59):02d}:00+03:00"
            )
            page = news_page(chromes[outlet], title, paras, url=url, published=published, author=None)
            w.request(url)
            counts["requests"] += 1
            if outlet == legacy:
                body = page.replace('charset="utf-8"', 'charset="windows-1256"')
                body = body.replace("charset=utf-8", "charset=windows-1256")
                w.response(url, body.encode("cp1256", "xmlcharrefreplace"), content_type="text/html")
            else:
                w.response(url, page)
            truth.write(
                json.dumps({"url": url, "outlet": outlet, "paragraphs": paras}, ensure_ascii=False) + "\n"
            )
            urls.append(url)
            counts["pages"] += 1
            counts["recaptures"] += bool(recapture)
            r = rng.random()
            if r < 0.02:
                w.redirect(f"http://{outlet}.example/n/{i}", url)
                counts["redirects"] += 1
            elif r < 0.03:
                w.response(
                    f"https://www.{outlet}.example/x/{i}",
                    "<html><body>404</body></html>",
                    status="404 Not Found",
                )
                counts["errors"] += 1
            elif r < 0.04:
                pdf = b"%PDF-1.4\n" + bytes(rng.randrange(256) for _ in range(20_000))
                w.response(f"https://www.{outlet}.example/files/{i}.pdf", pdf, content_type="application/pdf")
                counts["pdfs"] += 1
    counts["bytes"] = warc_path.stat().st_size
    return counts


# -------------------------------------------------------------------------------------------- phases


def phase_warcio(path: str) -> dict:
    from warcio.archiveiterator import ArchiveIterator

    base = rss_mb()
    t = time.perf_counter()
    records = payload = 0
    with open(path, "rb") as fh:
        for rec in ArchiveIterator(fh):
            records += 1
            if rec.rec_type == "response":
                payload += len(rec.content_stream().read())
    return {"seconds": time.perf_counter() - t, "records": records, "payload": payload, "base_mb": base}


def phase_fastwarc(path: str) -> dict:
    from fastwarc.warc import ArchiveIterator, WarcRecordType

    base = rss_mb()
    t = time.perf_counter()
    records = payload = 0
    for rec in ArchiveIterator(path, parse_http=True):
        records += 1
        if rec.record_type == WarcRecordType.response:
            payload += len(rec.reader.read())
    return {"seconds": time.perf_counter() - t, "records": records, "payload": payload, "base_mb": base}


def phase_e2e(path: str) -> dict:
    from types import SimpleNamespace

    # Import everything the first page needs before the clock starts.
    import htmldate  # noqa: F401
    import trafilatura  # noqa: F401

    from syndetect.config import ReadConfig
    from syndetect.io.web import iter_warc

    base = rss_mb()
    stats = SimpleNamespace()
    checkpoints = {}
    t = time.perf_counter()
    docs = chars = 0
    for doc in iter_warc(path, ReadConfig(), stats):
        docs += 1
        chars += len(doc.text)
        if docs in (1000, 2500, 5000):
            checkpoints[docs] = (current_rss_mb(), rss_mb())
    seconds = time.perf_counter() - t
    return {
        "seconds": seconds,
        "records": stats.web["records"],
        "documents": docs,
        "chars": chars,
        "base_mb": base,
        "rss_at": checkpoints,
        "rss_end": current_rss_mb(),
        "web": stats.web,
    }


def _comparable(text: str) -> str:
    """Text as extractors may legitimately change it: NFC (trafilatura puts combining marks in
    canonical order, shadda after kasra), no control or bidi format characters, spaces collapsed."""
    text = "".join(c for c in _CONTROL.sub("", text) if unicodedata.category(c) != "Cf")
    return unicodedata.normalize("NFC", " ".join(text.split()))


def phase_compare(path: str, truth_path: str, n: int) -> dict:
    """Extractors on the first ``n`` pages: paragraph recall, chrome leakage, time per page."""
    from warcio.archiveiterator import ArchiveIterator

    from syndetect.config import ReadConfig
    from syndetect.io.html import decode_html, extract_page
    from tests.warc_fixtures import chrome_for

    truth: dict[str, dict] = {}
    with open(truth_path, encoding="utf-8") as fh:
        for line in fh:
            rec = json.loads(line)
            truth.setdefault(rec["url"], rec)  # a recapture is compared with its first version's text
    pages = []
    with open(path, "rb") as fh:
        for rec in ArchiveIterator(fh):
            uri = rec.rec_headers.get_header("WARC-Target-URI")
            if rec.rec_type != "response" or uri not in truth or rec.http_headers.get_statuscode() != "200":
                continue
            if any(uri == u for u, _, _ in pages):
                continue
            pages.append(
                (uri, rec.content_stream().read(), rec.http_headers.get_header("Content-Type") or "")
            )
            if len(pages) >= n:
                break

    import trafilatura

    extractors = {
        "syndetect (trafilatura, no baseline rescue)": lambda html, url: (
            d.text if (d := extract_page(html, url, ReadConfig())) else ""
        ),
        "trafilatura defaults": lambda html, url: (
            trafilatura.extract(html, url=url, include_comments=False, deduplicate=False) or ""
        ),
        "trafilatura fast=True": lambda html, url: (
            trafilatura.extract(html, url=url, include_comments=False, deduplicate=False, fast=True) or ""
        ),
    }
    try:
        from resiliparse.extract.html2text import extract_plain_text
        from resiliparse.parse.html import HTMLTree

        extractors["resiliparse main_content"] = lambda html, url: extract_plain_text(
            HTMLTree.parse(html), main_content=True, alt_texts=False
        )
    except ImportError:
        pass

    chromes: dict[str, object] = {}
    tally = {name: {"found": 0, "total": 0, "leaks": 0, "seconds": 0.0} for name in extractors}
    for fn in extractors.values():
        for uri, body, ctype in pages[:5]:  # warm up: lazy imports, caches
            fn(decode_html(body, ctype.partition("charset=")[2] or None)[0], uri)
    for uri, body, ctype in pages:  # interleaved, so that no extractor gets a quieter machine
        html = decode_html(body, ctype.partition("charset=")[2] or None)[0]
        rec = truth[uri]
        chrome = chromes.setdefault(rec["outlet"], chrome_for(rec["outlet"], site_name=rec["outlet"]))
        for name, fn in extractors.items():
            t = time.perf_counter()
            out = fn(html, uri)
            tally[name]["seconds"] += time.perf_counter() - t
            norm = _comparable(out)
            tally[name]["total"] += len(rec["paragraphs"])
            tally[name]["found"] += sum(_comparable(p) in norm for p in rec["paragraphs"])
            tally[name]["leaks"] += any(c in out for c in chrome.phrases())
    results = {}
    for name, t in tally.items():
        results[name] = {
            "pages": len(pages),
            "paragraph_recall": t["found"] / max(1, t["total"]),
            "pages_leaking_chrome": t["leaks"] / max(1, len(pages)),
            "ms_per_page": 1000 * t["seconds"] / max(1, len(pages)),
        }
    return results


PHASES = {"warcio": phase_warcio, "fastwarc": phase_fastwarc, "e2e": phase_e2e}


def run_phase(name: str, *args: str) -> dict | None:
    cmd = [sys.executable, __file__, "--phase", name, *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO)
    if proc.returncode != 0:
        print(f"phase {name} failed:\n{proc.stderr[-3000:]}", file=sys.stderr)
        return None
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pages", type=int, default=10_000, help="article pages in the crawl (default 10000)")
    ap.add_argument("--compare", type=int, default=300, help="pages for the extractor comparison (0: skip)")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--keep", metavar="DIR", help="write the crawl into DIR and keep it")
    ap.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    ap.add_argument("--phase", help=argparse.SUPPRESS)
    ap.add_argument("args", nargs="*", help=argparse.SUPPRESS)
    opts = ap.parse_args()

    if opts.phase:
        if opts.phase == "compare":
            out = phase_compare(opts.args[0], opts.args[1], int(opts.args[2]))
        else:
            out = PHASES[opts.phase](opts.args[0])
            out["peak_mb"] = rss_mb()
        print(json.dumps(out, ensure_ascii=False))
        return 0

    if not ARTICLES.exists():
        print(f"error: {ARTICLES} not found (the benchmark samples its paragraphs from it)", file=sys.stderr)
        return 2
    work = Path(opts.keep) if opts.keep else Path(tempfile.mkdtemp(prefix="bench_warc_"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        command = " ".join([Path(sys.executable).name, "benchmarks/bench_warc.py", *sys.argv[1:]])
        print(f"$ {command}")
        t = time.perf_counter()
        gen = generate(work, opts.pages, opts.seed)
        warc = str(work / "crawl.warc.gz")
        print(
            f"crawl: {gen['pages']:,} pages ({gen['briefs']} one-paragraph briefs, {gen['recaptures']} recaptures), "
            f"{gen['requests']:,} requests, "
            f"{gen['redirects']} redirects, {gen['errors']} 404s, {gen['pdfs']} PDFs; "
            f"{gen['bytes'] / 1e6:.1f} MB gzipped; built in {time.perf_counter() - t:.1f} s"
        )
        results = {"command": command, "crawl": gen, "python": sys.version.split()[0]}
        rows = []
        for name, label in [
            ("warcio", "parse only: warcio"),
            ("fastwarc", "parse only: fastwarc"),
            ("e2e", "iter_warc end to end"),
        ]:
            if name == "fastwarc":
                try:
                    import fastwarc  # noqa: F401
                except ImportError:
                    rows.append((label, None))
                    continue
            res = run_phase(name, warc)
            results[name] = res
            rows.append((label, res))
        print()
        print(
            f"| {'measurement':<24} | {'records':>8} | {'records/s':>10} | {'pages/s':>8} | {'MB/s (gz)':>9} | {'peak RSS MB':>11} | {'RSS after imports':>17} |"
        )
        print(f"|{'-' * 26}|{'-' * 10}|{'-' * 12}|{'-' * 10}|{'-' * 11}|{'-' * 13}|{'-' * 19}|")
        for label, res in rows:
            if res is None:
                print(f"| {label:<24} | {'not installed':>8} |")
                continue
            s = res["seconds"]
            pages = res.get("documents", gen["pages"])
            print(
                f"| {label:<24} | {res['records']:>8,} | {res['records'] / s:>10,.0f} | {pages / s:>8,.1f} "
                f"| {gen['bytes'] / 1e6 / s:>9.2f} | {res['peak_mb']:>11.0f} | {res['base_mb']:>17.0f} |"
            )
        e2e = results.get("e2e")
        if e2e:
            at = ", ".join(
                f"{int(k):,} docs: {now:.0f} MB (peak {peak:.0f})" for k, (now, peak) in e2e["rss_at"].items()
            )
            print(
                f"\niter_warc resident memory as it goes: {at + '; ' if at else ''}"
                f"end: {e2e['rss_end']:.0f} MB (peak {e2e['peak_mb']:.0f})"
            )
            print(f"iter_warc stats.web: {json.dumps(e2e['web'])}")
        if opts.compare:
            cmp = run_phase("compare", warc, str(work / "truth.jsonl"), str(opts.compare))
            results["compare"] = cmp
            if cmp:
                print(f"\nextractors on {opts.compare} pages (paragraphs known, chrome known):")
                print(
                    f"| {'extractor':<44} | {'paragraph recall':>16} | {'pages leaking chrome':>20} | {'ms/page':>7} |"
                )
                print(f"|{'-' * 46}|{'-' * 18}|{'-' * 22}|{'-' * 9}|")
                for name, r in cmp.items():
                    print(
                        f"| {name:<44} | {r['paragraph_recall']:>16.3f} | {r['pages_leaking_chrome']:>20.3f} "
                        f"| {r['ms_per_page']:>7.1f} |"
                    )
        if opts.json:
            Path(opts.json).write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    finally:
        if not opts.keep:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONHASHSEED", "0")
    sys.exit(main())
