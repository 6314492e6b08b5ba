"""The compiled aligner (``syndetect.detect.kernel``, the one the engine runs) gives exactly what the
test oracle (``syndetect.detect.align``, plain Python) gives: same spans, same measures, same kinds, for
every profile, on real pairs and on generated ones.

The ``rewrites`` profile's order-free refinements (``verify.bag_tighten``: passages cut to their
best-matching stretch; ``verify.bag_ordered``: a lower containment accepted with word-order evidence)
are covered like the rest, and a test checks that the compared pairs really exercise them.
"""

from __future__ import annotations

import functools
import gzip
import itertools
import json
import os
import random
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from syndetect.config import load_config, with_overrides
from syndetect.detect.align import align_pair
from syndetect.detect.candidates import doc_pairs, find_candidates
from syndetect.detect.corpus import prepare
from syndetect.detect.kernel import KINDS, Aligned, align_pair_compiled, align_pairs
from syndetect.evaluate import exara
from syndetect.io.readers import read_documents
from syndetect.records import Document
from tests.fixtures.planted import DOCS as PLANTED

ROOT = Path(__file__).resolve().parents[1]
SNN = exara.SHARED_DATA / "saudinewsnet" / "articles.jsonl.gz"
PROFILES = ["syndication", "rewrites", "crawl-dedup"]
REFINEMENTS_OFF = {"verify": {"bag_tighten": 0.0, "bag_ordered": 0.0}}


def _candidates(docs: list[Document], cfg):
    corpus = prepare(docs, cfg)
    pairs, _ = doc_pairs(find_candidates(corpus.feats, cfg), len(corpus.docs))
    return corpus, pairs.tolist()


def _same_on_candidates(docs: list[Document], profile: str) -> int:
    """Assert both aligners agree on every candidate pair, with and without the order-free path;
    the number of passages found."""
    cfg = load_config(profile=profile)
    return _same(*_candidates(docs, cfg), cfg)


@functools.cache
def _exara_sample():
    """The first 15 suspicious ExAra documents and every source, under ``rewrites``: corpus, pairs."""
    return _candidates(exara.load(limit=15).docs, load_config(profile="rewrites"))


def _same(corpus, pairs, cfg) -> int:
    found = 0
    for i, j in pairs:
        fa, fb = corpus.feats[i], corpus.feats[j]
        for order_free in (True, False):
            want = align_pair(fa, fb, order_free, cfg)
            assert align_pair_compiled(fa, fb, order_free, cfg) == want, (
                corpus.docs[i].id,
                corpus.docs[j].id,
                order_free,
            )
            found += len(want)
    _batch_is_per_pair(corpus, pairs, cfg)
    return found


def _batch_is_per_pair(corpus, pairs, cfg) -> None:
    """``align_pairs`` (one compiled call, what the engine runs) gives, pair by pair and in order, what
    ``align_pair_compiled`` gives for each pair alone; both order-free settings, mixed in one batch."""
    rows = [(i, j) for i, j in pairs for _ in (0, 1)]
    flags = [k % 2 == 0 for k in range(len(rows))]
    which, spans, measures, kinds = align_pairs(
        corpus.feats, np.array(rows).reshape(-1, 2), np.array(flags), cfg
    )
    got = [
        (k, Aligned(*span, *measure, KINDS[kind]))
        for k, span, measure, kind in zip(
            which.tolist(), spans.tolist(), measures.tolist(), kinds.tolist(), strict=True
        )
    ]
    want = [
        (k, al)
        for k, ((i, j), flag) in enumerate(zip(rows, flags, strict=True))
        for al in align_pair_compiled(corpus.feats[i], corpus.feats[j], flag, cfg)
    ]
    assert got == want


def test_a_batch_of_no_pairs_is_empty():
    which, spans, measures, kinds = align_pairs(
        [], np.empty((0, 2), np.int64), np.empty(0, bool), load_config()
    )
    assert len(which) == len(kinds) == 0 and spans.shape == (0, 4) and measures.shape == (0, 3)


def _demo() -> list[Document]:
    return list(read_documents([str(ROOT / "data" / "demo.jsonl")], load_config().read))


def _planted() -> list[Document]:
    return [Document(id=r["id"], text=r["text"], outlet=r["outlet"]) for r in PLANTED]


def _snn(n: int) -> list[Document]:
    with gzip.open(SNN, "rt", encoding="utf-8") as fh:
        recs = [json.loads(line) for line in itertools.islice(fh, n)]
    return [Document(id=r["id"], text=r["text"], outlet=r.get("outlet")) for r in recs]


@pytest.mark.parametrize("profile", PROFILES)
def test_demo_corpus_pairs_are_identical(profile):
    assert _same_on_candidates(_demo(), profile) > 0


@pytest.mark.parametrize("profile", ["syndication", "rewrites"])
def test_a_wide_reorder_gap_merges_alike(profile):
    # verify.reorder_gap wider than max_gap joins reordered phrases (on either side): off by default
    # (6 = max_gap), so the two aligners are compared with it on, where the merge rule differs
    cfg = with_overrides(load_config(profile=profile), {"verify": {"reorder_gap": 40}})
    for docs in (_demo(), _planted(), _snn(400)):
        assert _same(*_candidates(docs, cfg), cfg) > 0


@pytest.mark.parametrize("profile", PROFILES)
def test_planted_pairs_are_identical(profile):
    assert _same_on_candidates(_planted(), profile) > 0


@pytest.mark.skipif(not SNN.exists(), reason="needs ../shared/data/saudinewsnet")
@pytest.mark.parametrize(("profile", "n", "least"), [("syndication", 1500, 100), ("rewrites", 600, 20)])
def test_saudinewsnet_sample_pairs_are_identical(profile, n, least):
    assert _same_on_candidates(_snn(n), profile) > least


@pytest.mark.skipif(not exara.DATA.is_dir(), reason="needs ../shared/data/exara")
def test_exara_sample_pairs_are_identical_with_the_rewrites_refinements():
    """Shuffled, substituted and paraphrased copies: the pairs the refinements were made for."""
    assert _same(*_exara_sample(), load_config(profile="rewrites")) > 10


def test_the_rewrites_refinements_change_the_passages():
    """The pairs compared above exercise the refinements: turned off, some passages differ."""
    cfg = load_config(profile="rewrites")
    assert cfg.verify.bag_tighten > 0 and cfg.verify.bag_ordered > 0 and cfg.shingle.bag_stem
    off = with_overrides(cfg, REFINEMENTS_OFF)
    corpus, pairs = _exara_sample() if exara.DATA.is_dir() else _candidates(_demo() + _planted(), cfg)
    changed = 0
    for i, j in pairs:
        fa, fb = corpus.feats[i], corpus.feats[j]
        changed += align_pair_compiled(fa, fb, True, cfg) != align_pair_compiled(fa, fb, True, off)
    assert changed > 0


WORDS = [
    "قال",
    "الرئيس",
    "في",
    "بيان",
    "إن",
    "الحكومة",
    "ستعمل",
    "على",
    "إعادة",
    "إعمار",
    "سوريا",
    "من",
    "أجل",
]
OTHER = ["المدينة", "الشركات", "المشاريع", "الطرق", "المدارس", "والمستشفيات", "الكهرباء", "المياه"]


def _text(rng: random.Random, n: int, words: list[str] = WORDS) -> str:
    return " ".join(
        rng.choice(words) + (str(rng.randrange(4)) if rng.random() < 0.5 else "") for _ in range(n)
    )


@settings(max_examples=150, deadline=None)
@given(
    seed=st.integers(0, 10**6),
    n_a=st.integers(0, 160),
    cut=st.integers(0, 120),
    keep=st.integers(0, 120),
    shuffle=st.booleans(),
    profile=st.sampled_from(PROFILES),
)
def test_generated_pairs_are_identical(seed, n_a, cut, keep, shuffle, profile):
    """Small vocabularies (many repeated n-grams), copies, shuffles and empty documents."""
    rng = random.Random(seed)
    a = _text(rng, n_a).split()
    b = a[cut : cut + keep]
    if shuffle:
        rng.shuffle(b)
    b = _text(rng, rng.randrange(30)).split() + b + _text(rng, rng.randrange(30)).split()
    cfg = load_config(profile=profile)
    corpus = prepare([Document(id="a", text=" ".join(a)), Document(id="b", text=" ".join(b))], cfg)
    fa, fb = corpus.feats
    for order_free in (True, False):
        assert align_pair_compiled(fa, fb, order_free, cfg) == align_pair(fa, fb, order_free, cfg)


@settings(max_examples=150, deadline=None)
@given(
    seed=st.integers(0, 10**6),
    n=st.integers(10, 140),
    substitute=st.floats(0.0, 0.6),
    swaps=st.integers(0, 12),
    pad=st.integers(0, 60),
    penalty=st.sampled_from([0.0, 0.3, 0.6, 1.0]),
    ordered=st.sampled_from([0.0, 0.3, 0.4, 0.55]),
)
def test_generated_rewrites_are_identical(seed, n, substitute, swaps, pad, penalty, ordered):
    """Copies with substituted words, swapped neighbours and padding on one topic (what tightening
    and word-order evidence decide on), under the ``rewrites`` profile and nearby settings."""
    rng = random.Random(seed)
    vocab = WORDS + OTHER
    a = _text(rng, n, vocab).split()
    b = [rng.choice(OTHER) + "ات" if rng.random() < substitute else w for w in a]
    for _ in range(swaps):
        k = rng.randrange(max(1, len(b) - 1))
        b[k : k + 2] = b[k : k + 2][::-1]
    a = _text(rng, rng.randrange(pad + 1), vocab).split() + a + _text(rng, pad, vocab).split()
    b = _text(rng, pad, vocab).split() + b
    cfg = with_overrides(
        load_config(profile="rewrites"), {"verify": {"bag_tighten": penalty, "bag_ordered": ordered}}
    )
    corpus = prepare([Document(id="a", text=" ".join(a)), Document(id="b", text=" ".join(b))], cfg)
    fa, fb = corpus.feats
    for order_free in (True, False):
        assert align_pair_compiled(fa, fb, order_free, cfg) == align_pair(fa, fb, order_free, cfg)


def test_the_engine_never_runs_the_oracle():
    """A whole run with the ``rewrites`` profile (its refinements included) loads no ``align`` module:
    what the quality gate measures is the compiled aligner."""
    code = (
        "import sys\n"
        "from syndetect.config import load_config\n"
        "from syndetect.detect.corpus import find_pairs\n"
        "from syndetect.io.readers import read_documents\n"
        "cfg = load_config(profile='rewrites')\n"
        f"docs = list(read_documents([{str(ROOT / 'data' / 'demo.jsonl')!r}], cfg.read))\n"
        "assert find_pairs(docs, cfg).matches\n"
        "print('syndetect.detect.align' in sys.modules)\n"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip() == "False"
