"""Rewritten passages snapped out to sentence edges near their ends."""

from __future__ import annotations

from syndetect.config import load_config
from syndetect.text.normalize import tokenize
from syndetect.text.sentences import snap

TEXT = "قال الوزير إن الحكومة ستبدأ العمل غدا. وأضاف أن الخطة تشمل كل المدن؟ ثم غادر القاعة سريعا"


def _tokens():
    toks = tokenize(TEXT, load_config().normalize)
    return toks.starts, toks.ends, toks.words


def test_snaps_to_the_nearest_edges_within_reach():
    starts, ends, words = _tokens()
    second = words.index("واضاف")
    question_end = words.index("المدن") + 1
    # A passage from the second word of sentence two to one word before its end.
    t0, t1 = snap(TEXT, starts, ends, second + 1, question_end - 1, 3)
    assert (t0, t1) == (second, question_end)
    assert TEXT[starts[t0] : ends[t1 - 1]] == "وأضاف أن الخطة تشمل كل المدن"


def test_leaves_an_end_whose_edge_is_out_of_reach():
    starts, ends, words = _tokens()
    second = words.index("واضاف")
    assert snap(TEXT, starts, ends, second + 3, second + 4, 1) == (second + 3, second + 4)


def test_document_edges_are_sentence_edges():
    starts, ends, words = _tokens()
    assert snap(TEXT, starts, ends, 1, len(words) - 1, 2) == (0, len(words))


def test_only_the_rewrites_profile_snaps():
    assert load_config().verify.snap_sentences == 0
    assert load_config(profile="rewrites").verify.snap_sentences > 0
