"""Evaluation measures: PAN plagdet (Potthast et al. 2010), character-level pair measures, ARI of clusters.

Every expected number below is computed by hand from the definitions in ``syndetect/evaluate.py``.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from pathlib import Path

import pytest
from typer.testing import CliRunner

from syndetect.evaluate.measures import (
    Case,
    adjusted_rand,
    clusters_to_pairs,
    evaluate,
    load_clusters_jsonl,
    load_pairs_jsonl,
    load_pan_detections,
    load_pan_gold,
    normalize_pair,
    pair_measures,
    pairs_to_pan,
    pan_measures,
    plagdet,
)
from syndetect.io.errors import InputError
from syndetect.records import Passage

EXARA = Path(__file__).resolve().parents[2] / "shared" / "data" / "exara"

S, R = "suspicious-document0001.txt", "source-document00001.txt"


def case(s0, s1, r0, r1, susp=S, src=R, obf=None):
    return Case(susp, s0, s1, src, r0, r1, obf)


# ---------------------------------------------------------------------------------------------------------
# PAN measures: table of hand-computed cases


PAN_CASES = [
    # id, cases, detections, precision, recall, granularity, plagdet
    ("perfect", [case(0, 100, 0, 100)], [case(0, 100, 0, 100)], 1.0, 1.0, 1.0, 1.0),
    (
        "two_halves",
        [case(0, 100, 0, 100)],
        [case(0, 50, 0, 50), case(50, 100, 50, 100)],
        1.0,
        1.0,
        2.0,
        1 / math.log2(3),
    ),
    (
        "overlapping_halves_union_once",
        [case(0, 100, 0, 100)],
        [case(0, 60, 0, 60), case(40, 100, 40, 100)],
        1.0,
        1.0,
        2.0,
        1 / math.log2(3),
    ),
    # 200 of the detection's 400 chars are in the case
    ("twice_as_long", [case(0, 100, 0, 100)], [case(0, 200, 0, 200)], 0.5, 1.0, 1.0, 2 / 3),
    # half the case on both sides: recall 100/200, precision 1
    ("half_found", [case(0, 100, 0, 100)], [case(0, 50, 0, 50)], 1.0, 0.5, 1.0, 2 / 3),
    ("miss_elsewhere", [case(0, 100, 0, 100)], [case(500, 600, 500, 600)], 0.0, 0.0, 1.0, 0.0),
    ("no_detections", [case(0, 100, 0, 100)], [], 0.0, 0.0, 1.0, 0.0),
    (
        "wrong_source_doc",
        [case(0, 100, 0, 100)],
        [case(0, 100, 0, 100, src="source-document00002.txt")],
        0.0,
        0.0,
        1.0,
        0.0,
    ),
    (
        "wrong_suspicious_doc",
        [case(0, 100, 0, 100)],
        [case(0, 100, 0, 100, susp="suspicious-document0002.txt")],
        0.0,
        0.0,
        1.0,
        0.0,
    ),
    # overlaps on one side only: not a detection at all, even of the overlapping side
    ("suspicious_side_only", [case(0, 100, 0, 100)], [case(0, 100, 500, 600)], 0.0, 0.0, 1.0, 0.0),
    ("source_side_only", [case(0, 100, 0, 100)], [case(500, 600, 0, 100)], 0.0, 0.0, 1.0, 0.0),
    ("touching_is_not_overlapping", [case(0, 100, 0, 100)], [case(100, 200, 100, 200)], 0.0, 0.0, 1.0, 0.0),
    ("nothing_at_all", [], [], 1.0, 1.0, 1.0, 1.0),
    ("only_false_positives", [], [case(0, 100, 0, 100)], 0.0, 0.0, 1.0, 0.0),
    # doc ids compared by base name: a path on one side, a bare name on the other
    (
        "basename_match",
        [case(0, 100, 0, 100)],
        [case(0, 100, 0, 100, susp="suspicious/" + S, src="source/" + R)],
        1.0,
        1.0,
        1.0,
        1.0,
    ),
]


@pytest.mark.parametrize(
    "cases,detections,precision,recall,granularity,score",
    [c[1:] for c in PAN_CASES],
    ids=[c[0] for c in PAN_CASES],
)
def test_pan_measures(cases, detections, precision, recall, granularity, score):
    m = pan_measures(cases, detections)
    assert m["precision"] == pytest.approx(precision)
    assert m["recall"] == pytest.approx(recall)
    assert m["granularity"] == pytest.approx(granularity)
    assert m["plagdet"] == pytest.approx(score)


def test_plagdet_of_two_halves_is_one_over_log2_3():
    assert plagdet(1.0, 1.0, 2.0) == pytest.approx(0.6309297535714575)
    assert plagdet(0.0, 0.0, 1.0) == 0.0


def test_macro_and_micro_differ_when_cases_differ_in_length():
    # the short case is found, the long one missed: macro recall (1 + 0) / 2, micro 200 / (200 + 600)
    other = {"susp": "suspicious-document0002.txt", "src": "source-document00002.txt"}
    cases = [case(0, 100, 0, 100), case(0, 300, 0, 300, **other)]
    m = pan_measures(cases, [case(0, 100, 0, 100)])
    assert m["recall"] == pytest.approx(0.5)
    assert m["micro_recall"] == pytest.approx(0.25)
    assert m["precision"] == m["micro_precision"] == pytest.approx(1.0)
    assert (m["cases"], m["detections"], m["detected_cases"]) == (2, 1, 1)


def test_micro_precision_counts_the_part_inside_cases():
    m = pan_measures([case(0, 100, 0, 100)], [case(0, 200, 0, 200)])
    assert m["micro_precision"] == pytest.approx(0.5)
    assert m["micro_recall"] == pytest.approx(1.0)


def test_per_obfuscation_recall():
    cases = [
        case(0, 100, 0, 100, obf="none"),
        case(0, 100, 200, 300, susp="suspicious-document0002.txt", obf="word shuffling"),
    ]
    # the first case found whole, the second half on both sides
    dets = [case(0, 100, 0, 100), case(0, 50, 200, 250, susp="suspicious-document0002.txt")]
    m = pan_measures(cases, dets)
    assert m["recall"] == pytest.approx(0.75)
    assert m["precision"] == pytest.approx(1.0)
    assert m["by_obfuscation"] == {
        "none": {"cases": 1, "detected_cases": 1, "recall": 1.0, "granularity": 1.0},
        "word shuffling": {"cases": 1, "detected_cases": 1, "recall": 0.5, "granularity": 1.0},
    }


def test_case_rejects_bad_span():
    with pytest.raises(ValueError, match="need 0 <= start <= end"):
        Case(S, 10, 5, R, 0, 1)


# ---------------------------------------------------------------------------------------------------------
# PAN XML


XML_ONE = """<?xml version="1.0" encoding="UTF-8"?>
<document reference="suspicious-document0001.txt">
<feature name="plagiarism" this_offset="119" this_length="316" source_reference="source-document00402.txt" source_offset="19259" source_length="310" obfuscation="none" type="artificial"/>
<feature name="about" authors="x"/>
<feature name="plagiarism" this_offset="900" this_length="100" source_reference="source-document00007.txt" source_offset="0" source_length="120" obfuscation="word shuffling" type="simulated"/>
</document>
"""
XML_EMPTY = """<?xml version="1.0" encoding="UTF-8"?>
<document reference="suspicious-document0002.txt">
</document>
"""


def write_gold(directory: Path) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "suspicious-document0001.xml").write_text(XML_ONE, encoding="utf-8")
    (directory / "suspicious-document0002.xml").write_text(XML_EMPTY, encoding="utf-8")
    return directory


def test_load_pan_gold(tmp_path):
    cases = load_pan_gold(write_gold(tmp_path / "gold"))
    assert cases == [
        Case(S, 119, 435, "source-document00402.txt", 19259, 19569, "none", "artificial"),
        Case(S, 900, 1000, "source-document00007.txt", 0, 120, "word shuffling", "simulated"),
    ]


def test_load_pan_detections_reads_detected_plagiarism(tmp_path):
    (tmp_path / "d.xml").write_text(
        '<document reference="suspicious-document0001.txt"><feature name="detected-plagiarism" this_offset="1" '
        'this_length="2" source_reference="source-document00001.txt" source_offset="3" source_length="4"/></document>',
        encoding="utf-8",
    )
    assert load_pan_detections(tmp_path) == [Case(S, 1, 3, R, 3, 7)]
    assert load_pan_gold(tmp_path) == []


def test_pan_xml_errors(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        load_pan_gold(tmp_path / "missing")
    (tmp_path / "bad.xml").write_text("<document>\n<feature", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.xml:2: bad XML"):
        load_pan_gold(tmp_path)
    (tmp_path / "bad.xml").write_text(
        '<document reference="x.txt"><feature name="plagiarism" this_offset="1"/></document>',
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="bad feature"):
        load_pan_gold(tmp_path)


def test_pairs_to_pan_orientation():
    src = Passage("source/source-document00402.txt", 19259, 19569)
    susp = Passage("suspicious/suspicious-document0001.txt", 119, 435)
    expected = [Case(susp.doc, 119, 435, src.doc, 19259, 19569)]
    assert pairs_to_pan([(src, susp)]) == expected
    assert pairs_to_pan([(susp, src)]) == expected
    # source-source and suspicious-suspicious pairs are not PAN detections
    other = Passage("suspicious-document0002.txt", 0, 9)
    assert pairs_to_pan([(src, Passage("source-document00001.txt", 0, 9)), (susp, other)]) == []
    # with the set of suspicious documents, names need not say it
    assert pairs_to_pan([(Passage("b", 0, 1), Passage("a", 2, 3))], suspicious=["x/a"]) == [
        Case("a", 2, 3, "b", 0, 1)
    ]


def write_jsonl(path: Path, records) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def pair(a, b):
    return {"a": {"doc": a[0], "start": a[1], "end": a[2]}, "b": {"doc": b[0], "start": b[1], "end": b[2]}}


def test_evaluate_pan_mode_with_pairs(tmp_path):
    gold = write_gold(tmp_path / "gold")
    pred = write_jsonl(
        tmp_path / "pairs.jsonl",
        [
            # found whole, source side first and paths as ids
            pair(
                ("source/source-document00402.txt", 19259, 19569),
                ("suspicious/suspicious-document0001.txt", 119, 435),
            ),
            # the simulated case in two halves (suspicious 50 + 50, source 60 + 60)
            pair(("suspicious-document0001.txt", 900, 950), ("source-document00007.txt", 0, 60)),
            pair(("suspicious-document0001.txt", 950, 1000), ("source-document00007.txt", 60, 120)),
            # not a suspicious-source pair: ignored
            pair(("source-document00001.txt", 0, 10), ("source-document00002.txt", 0, 10)),
        ],
    )
    r = evaluate(gold, pred)
    assert r["mode"] == "pan"
    assert r["suspicious_documents"] == 2
    assert (r["cases"], r["detections"], r["ignored_pred_pairs"]) == (2, 3, 1)
    assert r["precision"] == r["recall"] == 1.0
    assert r["granularity"] == pytest.approx(1.5)
    assert r["plagdet"] == pytest.approx(1 / math.log2(2.5))
    assert r["by_obfuscation"]["none"]["granularity"] == 1.0
    assert r["by_obfuscation"]["word shuffling"]["granularity"] == 2.0


def test_evaluate_pan_gold_against_itself(tmp_path):
    gold = write_gold(tmp_path / "gold")
    r = evaluate(gold, gold)
    assert r["plagdet"] == 1.0 and r["cases"] == r["detections"] == 2


# ---------------------------------------------------------------------------------------------------------
# Pair mode


GOLD_PAIRS = [pair(("rt-1", 0, 100), ("addiyar-7", 0, 100))]


def test_normalize_pair_orders_by_doc():
    a, b = Passage("rt-1", 0, 100), Passage("addiyar-7", 5, 50)
    assert normalize_pair(a, b) == normalize_pair(b, a) == (b, a)


@pytest.mark.parametrize("swap_gold", [False, True], ids=["gold_as_is", "gold_swapped"])
@pytest.mark.parametrize("swap_pred", [False, True], ids=["pred_as_is", "pred_swapped"])
def test_pair_mode_is_symmetric(tmp_path, swap_gold, swap_pred):
    def maybe_swap(records, swap):
        return [{"a": r["b"], "b": r["a"]} if swap else r for r in records]

    gold = write_jsonl(tmp_path / "gold.jsonl", maybe_swap(GOLD_PAIRS, swap_gold))
    # half of rt-1's span, all of addiyar-7's: 150 chars, all in gold; gold has 200
    pred = write_jsonl(
        tmp_path / "pred.jsonl", maybe_swap([pair(("rt-1", 0, 50), ("addiyar-7", 0, 100))], swap_pred)
    )
    r = evaluate(gold, pred)
    assert r["mode"] == "pairs"
    assert r["precision"] == 1.0
    assert r["recall"] == pytest.approx(0.75)
    assert r["f1"] == pytest.approx(6 / 7)
    assert r["pan_recall"] == pytest.approx(0.75)
    assert r["pan_plagdet"] == pytest.approx(6 / 7)


def test_pair_mode_counts_each_side_but_pan_needs_both():
    gold = [(Passage("a", 0, 100), Passage("b", 0, 100))]
    misaligned = [(Passage("a", 0, 100), Passage("b", 500, 600))]
    m = pair_measures(gold, misaligned)
    assert (m["precision"], m["recall"]) == (0.5, 0.5)
    assert (m["pan_precision"], m["pan_recall"]) == (0.0, 0.0)


def test_pair_mode_other_document_pair_scores_nothing():
    gold = [(Passage("a", 0, 100), Passage("b", 0, 100))]
    m = pair_measures(gold, [(Passage("a", 0, 100), Passage("c", 0, 100))])
    assert (m["precision"], m["recall"], m["f1"]) == (0.0, 0.0, 0.0)


def test_load_pairs_errors(tmp_path):
    path = tmp_path / "p.jsonl"
    path.write_text(json.dumps(GOLD_PAIRS[0]) + "\n{not json\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"p\.jsonl:2: bad JSON"):
        load_pairs_jsonl(path)
    path.write_text(
        '{"a": {"doc": "x", "start": 0, "end": 1}, "b": {"doc": "y", "start": 0}}\n', encoding="utf-8"
    )
    with pytest.raises(InputError, match=r'p\.jsonl:1: missing "b\.end"'):
        load_pairs_jsonl(path)


# ---------------------------------------------------------------------------------------------------------
# Clusters


def member(doc, start, end):
    return {"doc": doc, "start": start, "end": end}


GOLD_CLUSTERS = [
    {
        "cluster": "c-1",
        "members": [member("rt-1", 0, 100), member("addiyar-7", 10, 110), member("agg-3", 0, 100)],
    },
    {"cluster": "c-2", "members": [member("rt-2", 0, 80), member("agg-4", 20, 100)]},
]


def clusters(records):
    return {r["cluster"]: [Passage(m["doc"], m["start"], m["end"]) for m in r["members"]] for r in records}


def test_ari_identical_is_one():
    assert adjusted_rand(clusters(GOLD_CLUSTERS), clusters(GOLD_CLUSTERS))["ari"] == 1.0


def test_ari_matches_spans_by_half_overlap():
    # spans shifted but covering >= half of each gold span, clusters renamed: still 1
    shifted = [
        {
            "cluster": "x",
            "members": [member("rt-1", 40, 140), member("addiyar-7", 0, 90), member("agg-3", 0, 50)],
        },
        {"cluster": "y", "members": [member("rt-2", 0, 40), member("agg-4", 0, 100)]},
    ]
    r = adjusted_rand(clusters(GOLD_CLUSTERS), clusters(shifted))
    assert r["ari"] == 1.0
    assert (r["matched_members"], r["unmatched_pred_members"]) == (5, 0)


def test_ari_lower_when_merged():
    merged = [{"cluster": "m", "members": [m for c in GOLD_CLUSTERS for m in c["members"]]}]
    assert adjusted_rand(clusters(GOLD_CLUSTERS), clusters(merged))["ari"] == 0.0


def test_ari_unmatched_members_get_singletons():
    # agg-3 covered at 49% only: the gold item agg-3 has no pred cluster, the pred member is an extra item
    pred = [
        {
            "cluster": "x",
            "members": [member("rt-1", 0, 100), member("addiyar-7", 10, 110), member("agg-3", 51, 100)],
        },
        {"cluster": "y", "members": [member("rt-2", 0, 80), member("agg-4", 20, 100)]},
    ]
    r = adjusted_rand(clusters(GOLD_CLUSTERS), clusters(pred))
    assert (r["items"], r["matched_members"], r["unmatched_pred_members"]) == (6, 4, 1)
    # gold labels 1 1 1 2 2 s, pred labels x x s y y x
    from sklearn.metrics import adjusted_rand_score

    assert r["ari"] == pytest.approx(adjusted_rand_score([1, 1, 1, 2, 2, 3], [1, 1, 4, 2, 2, 1]))
    assert 0 < r["ari"] < 1


def test_clusters_to_pairs_skips_same_document():
    c = {"c": [Passage("a", 0, 5), Passage("a", 10, 15), Passage("b", 0, 5)]}
    assert clusters_to_pairs(c) == [
        (Passage("a", 0, 5), Passage("b", 0, 5)),
        (Passage("a", 10, 15), Passage("b", 0, 5)),
    ]


def test_evaluate_cluster_mode(tmp_path):
    gold = write_jsonl(tmp_path / "gold.jsonl", GOLD_CLUSTERS)
    assert load_clusters_jsonl(gold) == clusters(GOLD_CLUSTERS)
    r = evaluate(gold, gold)
    assert r["mode"] == "clusters"
    assert (r["ari"], r["precision"], r["recall"], r["pan_plagdet"]) == (1.0, 1.0, 1.0, 1.0)
    assert r["gold_pairs"] == 4  # 3 pairs in c-1, 1 in c-2


# ---------------------------------------------------------------------------------------------------------
# CLI


@pytest.fixture
def cli():
    from syndetect_cli import commands  # noqa: F401  (registers the commands)
    from syndetect_cli.app import app

    runner = CliRunner()
    return lambda *args: runner.invoke(app, list(args))


def test_cli_table(cli, tmp_path):
    gold = write_jsonl(tmp_path / "gold.jsonl", GOLD_PAIRS)
    pred = write_jsonl(tmp_path / "pred.jsonl", [pair(("rt-1", 0, 50), ("addiyar-7", 0, 100))])
    result = cli("evaluate", "--gold", str(gold), "--pred", str(pred))
    assert result.exit_code == 0, result.output
    rows = dict(re.findall(r"│ (\S+)\s+│\s+(\S+) │", result.output))
    assert rows["precision"] == "1.0000"
    assert rows["recall"] == "0.7500"
    assert rows["f1"] == "0.8571"
    assert rows["gold_pairs"] == "1"
    assert rows["pan_granularity"] == "1.0000"
    assert "syndetect evaluate (pairs)" in result.output


def test_cli_pan_table_and_json(cli, tmp_path):
    gold = write_gold(tmp_path / "gold")
    pred = tmp_path / "pred"
    pred.mkdir()
    (pred / "suspicious-document0001.xml").write_text(
        '<document reference="suspicious-document0001.txt">'
        '<feature name="detected-plagiarism" this_offset="119" this_length="158" source_reference="source-document00402.txt" source_offset="19259" source_length="155"/>'
        '<feature name="detected-plagiarism" this_offset="277" this_length="158" source_reference="source-document00402.txt" source_offset="19414" source_length="155"/>'
        "</document>",
        encoding="utf-8",
    )
    result = cli("evaluate", "--gold", str(gold), "--pred", str(pred))
    assert result.exit_code == 0, result.output
    assert re.search(r"│ plagdet\s+│\s+0\.4206 │", result.output)  # F1 2/3 (recall 1/2) / log2(3)
    assert re.search(r"│ recall \(none\)\s+│\s+1\.0000 │", result.output)
    assert re.search(r"│ recall \(word shuffling\)\s+│\s+0\.0000 │", result.output)
    result = cli("evaluate", "--gold", str(gold), "--pred", str(pred), "--json")
    assert result.exit_code == 0, result.output
    r = json.loads(result.stdout)
    assert (r["precision"], r["recall"], r["granularity"]) == (1.0, 0.5, 2.0)
    assert r["plagdet"] == pytest.approx((2 / 3) / math.log2(3))


def test_cli_missing_file_exits_2(cli, tmp_path):
    gold = write_jsonl(tmp_path / "gold.jsonl", GOLD_PAIRS)
    result = cli("evaluate", "--gold", str(gold), "--pred", str(tmp_path / "nope.jsonl"))
    assert result.exit_code == 2
    assert result.stderr == f"error: {tmp_path / 'nope.jsonl'}: no such file or directory\n"
    result = cli("evaluate", "--gold", str(tmp_path / "nope"), "--pred", str(gold))
    assert result.exit_code == 2


def test_cli_help_has_example(cli):
    result = cli("evaluate", "--help")
    assert result.exit_code == 0
    assert "Example: syndetect evaluate --gold" in result.output


# ---------------------------------------------------------------------------------------------------------
# ExAra (AraPlagDet 2015), when the shared data is present


@pytest.mark.skipif(not EXARA.is_dir(), reason="../shared/data/exara not present")
def test_exara_gold_against_itself(tmp_path):
    cases = load_pan_gold(EXARA / "annotations")
    assert len(list((EXARA / "annotations").glob("*.xml"))) == 301
    assert len(cases) == 856
    assert Counter(c.obfuscation for c in cases) == {
        "none": 331,
        "word shuffling": 331,
        "phrase shuffling": 96,
        "manual synonym substitution": 87,
        "manual paraphrasing": 11,
    }
    assert Counter(c.type for c in cases) == {"artificial": 758, "simulated": 98}

    r = evaluate(EXARA / "annotations", EXARA / "annotations")
    assert (r["plagdet"], r["precision"], r["recall"], r["granularity"]) == (1.0, 1.0, 1.0, 1.0)

    # the same gold as engine output: pairs.jsonl with paths as ids, source side first
    records = [
        pair(
            ("source/" + c.source, c.src_start, c.src_end),
            ("suspicious/" + c.suspicious, c.susp_start, c.susp_end),
        )
        for c in cases
    ]
    r = evaluate(EXARA / "annotations", write_jsonl(tmp_path / "pairs.jsonl", records))
    assert r["plagdet"] == 1.0 and r["detections"] == 856 and r["ignored_pred_pairs"] == 0

    # offsets are string indices: unobfuscated copies equal their source up to whitespace (newline vs space)
    for c in cases:
        if c.obfuscation == "none":
            susp = (EXARA / "suspicious" / c.suspicious).read_text(encoding="utf-8")[
                c.susp_start : c.susp_end
            ]
            src = (EXARA / "source" / c.source).read_text(encoding="utf-8")[c.src_start : c.src_end]
            assert " ".join(susp.split()) == " ".join(src.split())
