"""The compiled aligner (``syndetect.kernel``) gives exactly what the Python reference (``syndetect.align``)
gives: same spans, same measures, same kinds, on real pairs and on generated ones."""

from __future__ import annotations

import gzip
import itertools
import json
import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from syndetect.align import align_pair
from syndetect.candidates import doc_pairs, find_candidates
from syndetect.config import load_config, with_overrides
from syndetect.engine import prepare
from syndetect.io.readers import read_documents
from syndetect.kernel import align_pair_compiled, supports
from syndetect.records import Document
from tests.fixtures.planted import DOCS as PLANTED

ROOT = Path(__file__).resolve().parents[1]
SNN = ROOT.parent / "shared" / "data" / "saudinewsnet" / "articles.jsonl.gz"


def _config(profile: str):
    """The profile as the kernel covers it: ``rewrites`` without its reference-only refinements, but
    with its stemmed order-free measure."""
    cfg = load_config(profile=profile)
    if not supports(cfg):
        cfg = with_overrides(cfg, {"verify": {"bag_tighten": 0.0, "bag_ordered": 0.0}})
    assert supports(cfg)
    return cfg


def _same_on_candidates(docs: list[Document], profile: str) -> int:
    """Assert both aligners agree on every candidate pair, with and without the order-free path."""
    cfg = _config(profile)
    corpus = prepare(docs, cfg)
    pairs, _ = doc_pairs(find_candidates(corpus.feats, cfg), len(corpus.docs))
    found = 0
    for i, j in pairs.tolist():
        fa, fb = corpus.feats[i], corpus.feats[j]
        for order_free in (True, False):
            want = align_pair(fa, fb, order_free, cfg)
            assert align_pair_compiled(fa, fb, order_free, cfg) == want, (
                corpus.docs[i].id,
                corpus.docs[j].id,
            )
            found += len(want)
    return found


@pytest.mark.parametrize("profile", ["syndication", "rewrites", "crawl-dedup"])
def test_demo_corpus_pairs_are_identical(profile):
    docs = list(read_documents([str(ROOT / "data" / "demo.jsonl")], load_config().read))
    assert _same_on_candidates(docs, profile) > 0


def test_rewrites_refinements_run_the_reference():
    cfg = load_config(profile="rewrites")
    assert cfg.shingle.bag_stem and not supports(cfg)
    docs = list(read_documents([str(ROOT / "data" / "demo.jsonl")], cfg.read))
    corpus = prepare(docs, cfg)
    pairs, _ = doc_pairs(find_candidates(corpus.feats, cfg), len(corpus.docs))
    for i, j in pairs.tolist():
        fa, fb = corpus.feats[i], corpus.feats[j]
        assert align_pair_compiled(fa, fb, True, cfg) == align_pair(fa, fb, True, cfg)


def test_planted_pairs_are_identical():
    docs = [Document(id=r["id"], text=r["text"], outlet=r["outlet"]) for r in PLANTED]
    assert _same_on_candidates(docs, "syndication") > 0


@pytest.mark.skipif(not SNN.exists(), reason="needs ../shared/data/saudinewsnet")
def test_saudinewsnet_sample_pairs_are_identical():
    with gzip.open(SNN, "rt", encoding="utf-8") as fh:
        recs = [json.loads(line) for line in itertools.islice(fh, 1500)]
    docs = [Document(id=r["id"], text=r["text"], outlet=r.get("outlet")) for r in recs]
    assert _same_on_candidates(docs, "syndication") > 100


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


def _text(rng: random.Random, n: int) -> str:
    return " ".join(
        rng.choice(WORDS) + (str(rng.randrange(4)) if rng.random() < 0.5 else "") for _ in range(n)
    )


@settings(max_examples=150, deadline=None)
@given(
    seed=st.integers(0, 10**6),
    n_a=st.integers(0, 160),
    cut=st.integers(0, 120),
    keep=st.integers(0, 120),
    shuffle=st.booleans(),
    profile=st.sampled_from(["syndication", "rewrites"]),
)
def test_generated_pairs_are_identical(seed, n_a, cut, keep, shuffle, profile):
    """Small vocabularies (many repeated n-grams), copies, shuffles and empty documents."""
    rng = random.Random(seed)
    a = _text(rng, n_a).split()
    b = a[cut : cut + keep]
    if shuffle:
        rng.shuffle(b)
    b = _text(rng, rng.randrange(30)).split() + b + _text(rng, rng.randrange(30)).split()
    cfg = _config(profile)
    corpus = prepare([Document(id="a", text=" ".join(a)), Document(id="b", text=" ".join(b))], cfg)
    fa, fb = corpus.feats
    for order_free in (True, False):
        assert align_pair_compiled(fa, fb, order_free, cfg) == align_pair(fa, fb, order_free, cfg)
