"""Coverage-guided fuzzing of the input readers, the web page extractor and the normalizer (atheris).

Not part of ``make test``: a bounded run by hand (``pip install -e '.[fuzz]'``). Each target states a
contract, and any other outcome is a crash:

- ``readers``: bytes written to a temporary ``.jsonl``, ``.csv``, ``.txt``, ``.jsonl.gz`` or ``.warc``
  file and read with ``syndetect.io.readers.read_documents`` (with and without ``skip_invalid``) either
  give Documents or raise ``syndetect.io.errors.InputError``; every Document has string ``id`` and
  ``text`` and can be written back as UTF-8 JSON (no lone surrogate, no NaN: what the writers need).
- ``html``: a page (bytes, with a fuzzed URL, HTTP charset and fallback date) given to
  ``syndetect.io.html.extract_page`` gives a Document or ``None``, or raises ``PageTooDeep`` (its
  documented refusal); the same bytes as an ``.html`` file read by ``read_documents`` give Documents or
  raise ``InputError``. Documents as above, with non-empty text.
- ``normalize``: any string (from UTF-8, UTF-16 or UTF-32 bytes with lone surrogates let through, or
  Latin-1) under any combination of steps: ``normalize``, ``normalize_text``, ``tokenize`` and
  ``words`` never raise, normalizing is idempotent, offsets and token spans index the input.

Crashing inputs are saved as ``DIR/crash-TARGET-SHA1`` (``--crashes DIR``, else a new temporary
folder) and the run goes on; the first input of each distinct crash (exception type and the
innermost syndetect frame) prints its traceback. An input slower than ``--slow`` seconds is saved as
``slow-TARGET-SHA1``. ``--replay FILE ...`` runs the target on saved inputs, without atheris.

Usage:
    .venv/bin/python benchmarks/fuzz.py TARGET --seconds N [--crashes DIR] [--corpus DIR] [--seed S]
    .venv/bin/python benchmarks/fuzz.py readers --replay /tmp/syndetect-fuzz-x/crash-readers-...

TARGET is ``readers``, ``html``, ``normalize`` or ``all`` (each in turn, ``--seconds`` each, in its own
process). The last line of each target's output is ``FUZZ-RESULT {json}``: executions, seconds, crash
inputs, distinct crashes, slow inputs, corpus size.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import hashlib
import io
import json
import os
import subprocess
import sys
import tempfile
import time
import traceback
import warnings
from collections.abc import Callable
from pathlib import Path

TARGETS = ("readers", "html", "normalize")
READER_SUFFIXES = (".jsonl", ".csv", ".txt", ".jsonl.gz", ".warc")
CHARSETS = (None, "utf-8", "windows-1256", "iso-8859-6", "utf-16", "latin-1", "klingon", "x-user-defined")

# ------------------------------------------------------------------------------------------- seeds

_PAGE = (
    "<html><head><title>خبر | موقع</title><meta charset='utf-8'>"
    '<link rel="canonical" href="https://www.example.com/news/1">'
    '<meta property="article:published_time" content="2015-07-21T11:05:00+03:00">'
    '<script type="application/ld+json">{"datePublished": "2015-07-21"}</script></head>'
    "<body><nav><a href='/'>الرئيسية</a> <a href='/x'>اقرأ أيضاً</a></nav><article><h1>خبر</h1><p>"
    + "قال المتحدث إن الاجتماع انتهى بالاتفاق على خطة العمل. " * 8
    + "</p><p>وأضاف أن اللجنة ستجتمع مرة أخرى.</p></article><footer>جميع الحقوق محفوظة</footer></body></html>"
)
_RECORD = {
    "id": "a1",
    "text": "عاجل: أعلنت الوزارة افتتاح المستشفى الجديد في المدينة",
    "url": "https://www.example.com/x",
    "date": "2015-10-21",
    "title": "خبر",
    "tags": [1, 2.5, None, {"k": True}],
}
_WARC = (
    b"WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://www.example.com/news/1\r\n"
    b"WARC-Date: 2015-07-21T08:00:00Z\r\nWARC-Record-ID: <urn:uuid:1>\r\n"
    b"Content-Type: application/http; msgtype=response\r\nContent-Length: %d\r\n\r\n%s\r\n\r\n"
)


def _warc(page: bytes) -> bytes:
    http = b"HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n" + page
    return _WARC % (len(http), http)


def seeds(target: str) -> list[bytes]:
    """Valid inputs to start from, in each target's byte layout."""
    if target == "readers":
        jsonl = (json.dumps(_RECORD, ensure_ascii=False) + "\n" + '{"id": "b", "text": "نص"}\n').encode()
        csv = 'id,text,outlet,published\n1,"نص ""مقتبس""\nعلى سطرين",spa,2015-10-21\n2,نص,,\n'.encode()
        txt = "\ufeffخبر عاجل\r\nسطر ثان".encode()
        return [
            bytes([0, 0]) + jsonl,
            bytes([1, 1]) + csv,
            bytes([2, 0]) + txt,
            bytes([3, 0]) + jsonl,
            bytes([4, 0]) + _warc(_PAGE.encode()),
        ]
    if target == "html":
        page = _PAGE.encode()
        return [
            bytes([0, 0]) + page,
            bytes([1, 2]) + page.decode().encode("windows-1256", "replace"),
            bytes([2, 0]) + b"https://www.example.com/a?utm_source=x\n" + page,
            bytes([3, 1]) + b"<html><body>" + b"<font>" * 300 + "نص".encode() + b"</body></html>",
        ]
    texts = ["قالَ الرئيسُ: «إنّ الحلَّ سياسيّ»، في ٢٠١٥", "ﻻ تَـــرَ ﷺ\u200f\u202eabc", "کتاب یک ۱۲۳"]
    return [bytes([k % 4, 255, 15]) + t.encode("utf-8") for k, t in enumerate(texts)]


# ------------------------------------------------------------------------------------ the targets


class Refused(Exception):
    """An outcome the contract allows (the input was refused as promised)."""


def _check_document(doc, *, text_required: bool = False) -> None:
    from syndetect.records import Document

    assert isinstance(doc, Document), type(doc)
    assert isinstance(doc.id, str) and isinstance(doc.text, str), (type(doc.id), type(doc.text))
    if text_required:
        assert doc.text, "a page document without text"
    # the writers must be able to write it back: UTF-8 JSON, no NaN or Infinity
    json.dumps(doc.to_json(), ensure_ascii=False, allow_nan=False).encode("utf-8")


def _read(path: str, skip_invalid: bool) -> int:
    from syndetect.config import ReadConfig
    from syndetect.io.errors import InputError
    from syndetect.io.readers import ReadStats, read_documents

    stats = ReadStats()
    n = 0
    try:  # warcio prints its complaints (bad WARC-Target-URI, record lengths): kept off the terminal
        with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
            for doc in read_documents([path], ReadConfig(skip_invalid=skip_invalid), stats):
                _check_document(doc)
                n += 1
    except InputError as err:
        message = str(err)
        assert message and "\n" not in message, repr(message)  # one line, as promised
        return -1
    assert stats.read == n, (stats.read, n)
    return n


def target_readers(data: bytes, workdir: str) -> None:
    if len(data) < 2:
        return
    suffix = READER_SUFFIXES[data[0] % len(READER_SUFFIXES)]
    flags, body = data[1], data[2:]
    if suffix == ".jsonl.gz":
        packed = gzip.compress(body, mtime=0)
        cut = (flags >> 2) % 8  # sometimes truncated
        body = packed[: len(packed) - cut * 3] if cut else packed
    path = os.path.join(workdir, "input" + suffix)
    with open(path, "wb") as fh:
        fh.write(body)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        strict = _read(path, skip_invalid=False)
        tolerant = _read(path, skip_invalid=True)
    if strict >= 0:  # read without an error: skipping changes nothing
        assert tolerant == strict, (strict, tolerant)


def target_html(data: bytes, workdir: str) -> None:
    if len(data) < 2:
        return
    from syndetect.config import ReadConfig
    from syndetect.io.html import PageTooDeep, extract_page

    mode, flags, body = data[0], data[1], data[2:]
    url = None
    if mode & 2:  # a fuzzed URL on the first line
        head, _, body = body.partition(b"\n")
        url = head.decode("utf-8", "replace")
    fallback = "2015-07-21T08:00:00Z" if flags & 1 else (None if not flags & 2 else "not a date")
    charset = CHARSETS[(flags >> 2) % len(CHARSETS)]
    if mode & 1:
        try:
            doc = extract_page(body, url, ReadConfig(), fallback_date=fallback, headers_charset=charset)
        except PageTooDeep:
            return
        if doc is not None:
            _check_document(doc, text_required=True)
    else:
        path = os.path.join(workdir, "page.html")
        with open(path, "wb") as fh:
            fh.write(body)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _read(path, skip_invalid=bool(flags & 1))


_CODECS = ("utf-8", "utf-16-le", "utf-32-le", "latin-1")


def target_normalize(data: bytes, workdir: str) -> None:
    if len(data) < 3:
        return
    import numpy as np

    from syndetect.config import NormalizeConfig
    from syndetect.text.normalize import STEPS, normalize, normalize_text, strip_clitics, tokenize, words

    codec = _CODECS[data[0] % len(_CODECS)]
    bits = data[1] | (data[2] << 8)
    raw = data[3:]
    if codec == "utf-32-le":  # any code point, lone surrogates included
        raw = raw[: len(raw) // 4 * 4]
        text = "".join(
            chr(min(int.from_bytes(raw[i : i + 4], "little"), 0x10FFFF)) for i in range(0, len(raw), 4)
        )
    elif codec == "latin-1":
        text = raw.decode("latin-1")
    elif _valid(raw, codec):  # encoded lone surrogates let through
        text = raw.decode(codec, "surrogatepass")
    else:  # invalid UTF-8 bytes become U+DC80-U+DCFF, as the readers' surrogateescape gives them
        text = raw.decode(codec, "surrogateescape" if codec == "utf-8" else "replace")
    cfg = NormalizeConfig(**{step: bool(bits >> k & 1) for k, step in enumerate(STEPS)})
    for c in (cfg, None):
        n = normalize(text, c)
        assert normalize_text(text, c) == n.text
        assert normalize_text(n.text, c) == n.text, "not idempotent"
        assert len(n.offsets) == len(n.text)
        if len(n.text):
            assert 0 <= int(n.offsets.min()) and int(n.offsets.max()) < len(text)
            assert (np.diff(n.offsets) >= 0).all()
        toks = tokenize(text, c, clitics=bool(bits & 0x8000))
        assert toks.words == words(text, c, clitics=bool(bits & 0x8000))
        for s, e in zip(toks.starts.tolist(), toks.ends.tolist(), strict=True):
            assert 0 <= s < e <= len(text), (s, e, len(text))
        for w in toks.words[:20]:
            strip_clitics(w)


def _valid(raw: bytes, codec: str) -> bool:
    try:
        raw.decode(codec, "surrogatepass")
    except UnicodeDecodeError:
        return False
    return True


FUNCTIONS: dict[str, Callable[[bytes, str], None]] = {
    "readers": target_readers,
    "html": target_html,
    "normalize": target_normalize,
}
INSTRUMENT = {
    "readers": ["syndetect"],
    "html": ["syndetect", "trafilatura", "htmldate", "courlan", "charset_normalizer"],
    "normalize": ["syndetect"],
}


def _import_for(target: str) -> None:
    """Import what the target runs (inside atheris' instrumentation when fuzzing)."""
    import syndetect.config  # noqa: F401
    import syndetect.io.readers  # noqa: F401
    import syndetect.text.normalize  # noqa: F401

    if target in ("html", "readers"):
        import syndetect.io.web  # noqa: F401


# -------------------------------------------------------------------------------------- the runner


class Runner:
    """Runs one target on inputs, keeps the figures and saves what crashed."""

    def __init__(self, target: str, crashes: Path, seconds: float, slow: float) -> None:
        self.target, self.fn = target, FUNCTIONS[target]
        self.crashes, self.slow = crashes, slow
        self.workdir = tempfile.mkdtemp(prefix=f"syndetect-fuzz-{target}-work-")
        self.started = time.monotonic()
        self.deadline = self.started + seconds
        self.executions = 0
        self.crash_inputs = 0
        self.signatures: dict[str, str] = {}  # signature -> first saved file
        self.slow_inputs = 0
        self.corpus: Path | None = None

    def one(self, data: bytes) -> str | None:
        """Run one input; the crash signature when it crashed."""
        self.executions += 1
        t0 = time.monotonic()
        signature = None
        try:
            self.fn(data, self.workdir)
        except Exception as err:  # noqa: BLE001 - every other exception is what we are looking for
            signature = self._signature(err)
            name = self._save("crash", data)
            self.crash_inputs += 1
            if signature not in self.signatures:
                self.signatures[signature] = name
                print(f"\n=== crash {len(self.signatures)} ({signature}) saved as {name}", flush=True)
                traceback.print_exc()
                print(f"input: {data[:300]!r}{' ...' if len(data) > 300 else ''}", flush=True)
        spent = time.monotonic() - t0
        if spent > self.slow:
            self.slow_inputs += 1
            name = self._save("slow", data)
            print(f"\n=== slow input ({spent:.1f} s) saved as {name}", flush=True)
        return signature

    def _signature(self, err: BaseException) -> str:
        frames = traceback.extract_tb(err.__traceback__)
        ours = [f for f in frames if "syndetect" in f.filename and "benchmarks" not in f.filename]
        where = ours[-1] if ours else (frames[-1] if frames else None)
        place = f"{Path(where.filename).name}:{where.lineno}" if where else "?"
        return f"{type(err).__name__} at {place}"

    def _save(self, kind: str, data: bytes) -> str:
        self.crashes.mkdir(parents=True, exist_ok=True)
        path = self.crashes / f"{kind}-{self.target}-{hashlib.sha1(data).hexdigest()}"
        path.write_bytes(data)
        return str(path)

    def result(self) -> dict:
        return {
            "target": self.target,
            "executions": self.executions,
            "seconds": round(time.monotonic() - self.started, 1),
            "crash_inputs": self.crash_inputs,
            "crashes": len(self.signatures),
            "signatures": self.signatures,
            "slow_inputs": self.slow_inputs,
            "corpus": len(os.listdir(self.corpus)) if self.corpus else None,
            "crash_dir": str(self.crashes),
        }

    def finish(self) -> None:
        res = self.result()
        rate = res["executions"] / max(res["seconds"], 1e-9)
        print(
            f"\n{self.target}: {res['executions']} executions in {res['seconds']} s ({rate:.0f}/s), "
            f"{res['crashes']} distinct crashes ({res['crash_inputs']} inputs), {res['slow_inputs']} slow; "
            f"corpus {res['corpus']}; crashes in {res['crash_dir']}"
        )
        print("FUZZ-RESULT " + json.dumps(res), flush=True)


def fuzz(args: argparse.Namespace) -> None:
    import atheris

    crashes = Path(args.crashes or tempfile.mkdtemp(prefix="syndetect-fuzz-crashes-"))
    runner = Runner(args.target, crashes, args.seconds, args.slow)
    corpus = Path(args.corpus or tempfile.mkdtemp(prefix=f"syndetect-fuzz-{args.target}-corpus-"))
    corpus.mkdir(parents=True, exist_ok=True)
    for k, seed in enumerate(seeds(args.target)):
        (corpus / f"seed-{k}").write_bytes(seed)
    runner.corpus = corpus

    with atheris.instrument_imports(include=INSTRUMENT[args.target]):
        _import_for(args.target)

    def test_one_input(data: bytes) -> None:
        if time.monotonic() > runner.deadline:
            runner.finish()
            os._exit(0)  # libFuzzer has no "stop now" from Python; the figures are printed
        runner.one(data)

    libfuzzer = [
        sys.argv[0],
        str(corpus),
        f"-max_total_time={int(args.seconds) + 60}",  # a backstop: the deadline above ends the run
        f"-max_len={args.max_len}",
        f"-timeout={max(int(args.slow) * 4, 30)}",
        "-rss_limit_mb=3072",
        "-print_final_stats=1",
    ]
    if args.seed is not None:
        libfuzzer.append(f"-seed={args.seed}")
    atheris.Setup(libfuzzer, test_one_input)
    atheris.Fuzz()


def replay(args: argparse.Namespace) -> int:
    """Run the target on saved inputs: what each gives (ok, or the traceback)."""
    _import_for(args.target)
    runner = Runner(args.target, Path(tempfile.mkdtemp(prefix="syndetect-fuzz-replay-")), 1e9, args.slow)
    failed = 0
    for name in args.replay:
        signature = runner.one(Path(name).read_bytes())
        print(f"{name}: {'ok' if signature is None else signature}")
        failed += signature is not None
    return 1 if failed else 0


def fuzz_all(args: argparse.Namespace) -> int:
    crashes = args.crashes or tempfile.mkdtemp(prefix="syndetect-fuzz-crashes-")
    results = []
    for target in TARGETS:
        cmd = [sys.executable, __file__, target, "--seconds", str(args.seconds), "--crashes", crashes]
        cmd += ["--max-len", str(args.max_len), "--slow", str(args.slow)]
        if args.seed is not None:
            cmd += ["--seed", str(args.seed)]
        print(f"--- {target}", flush=True)
        proc = subprocess.run(cmd, stdout=subprocess.PIPE, text=True)
        print(proc.stdout, end="", flush=True)
        line = next((x for x in reversed(proc.stdout.splitlines()) if x.startswith("FUZZ-RESULT ")), None)
        results.append(
            json.loads(line[len("FUZZ-RESULT ") :]) if line else {"target": target, "error": proc.returncode}
        )
    print("\n| target | executions | seconds | crashes (distinct) | crash inputs | slow |")
    print("|---|---|---|---|---|---|")
    for r in results:
        if "error" in r:
            print(f"| {r['target']} | - | - | fuzzer exited {r['error']} | - | - |")
        else:
            print(
                f"| {r['target']} | {r['executions']} | {r['seconds']} | {r['crashes']} | {r['crash_inputs']} | {r['slow_inputs']} |"
            )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("target", choices=(*TARGETS, "all"))
    parser.add_argument("--seconds", type=float, default=60.0, help="how long to fuzz (each target, for all)")
    parser.add_argument(
        "--crashes", help="folder for crashing and slow inputs (default: a new temporary one)"
    )
    parser.add_argument("--corpus", help="libFuzzer's working corpus folder (default: a new temporary one)")
    parser.add_argument("--max-len", type=int, default=4096, help="longest input libFuzzer generates (bytes)")
    parser.add_argument("--slow", type=float, default=10.0, help="an input slower than this (s) is saved")
    parser.add_argument("--seed", type=int, help="libFuzzer's random seed")
    parser.add_argument("--replay", nargs="+", metavar="FILE", help="run the target on these saved inputs")
    args = parser.parse_args()
    if args.replay:
        if args.target == "all":
            parser.error("--replay needs one target")
        return replay(args)
    if args.target == "all":
        return fuzz_all(args)
    fuzz(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
