"""The aligner: verification and alignment of one candidate document pair, compiled with numba.

Two aligners run on a pair and their passages are merged:
- ordered: shared word n-grams are seeds; seeds on one diagonal form runs; runs are chained across
  small gaps (changed, inserted or dropped words) into passages.
- order-free: windows whose content words are mostly contained in a window of the other document
  (shuffled words and phrases), grown to neighbouring windows and trimmed to the words the two sides
  share; with ``verify.bag_tighten`` cut down to their best-matching stretch, and with
  ``verify.bag_ordered`` also accepted at a lower containment when as large a share is kept in order.
Every passage is then measured exactly (Jaccard and containment of the spans' n-gram sets) and kept
only when it passes the configured floors: only verified reuse is reported.

This is the only aligner the engine runs, for every profile. ``syndetect.detect.align`` is the same
algorithm in plain Python and numpy, kept as the test oracle: ``tests/test_kernel.py`` asserts that
both give identical passages, measures and kinds (demo corpus, planted fixtures, a SaudiNewsNet
sample, generated pairs; the ``syndication``, ``rewrites`` and ``crawl-dedup`` profiles).

Spans are ``(a0, a1, b0, b1)`` token ranges, end exclusive, held as 4-tuples in numba lists.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit
from numba.typed import List

from syndetect.config import Config
from syndetect.detect.features import Features

MAX_SEED_REPEATS = 8  # an n-gram repeated more often than this in one document seeds nothing
RESCUE_SHARE = 0.2  # region pairs sharing less of their content words are not searched for a passage


@dataclass(frozen=True, slots=True)
class Aligned:
    """A verified passage pair in token positions (end exclusive) and its measures."""

    a0: int
    a1: int
    b0: int
    b1: int
    jaccard: float
    containment: float
    bag: float
    kind: str


KINDS = ("exact", "near", "rewrite")
_POS_LIMIT = 1 << 30  # longest document (tokens) the packed sort keys below can hold


# ----------------------------------------------------------------------------------------- small helpers


@njit(cache=True)
def _lt(x, y):
    """Lexicographic order of two 4-tuples (Python's tuple order)."""
    for k in range(4):
        if x[k] != y[k]:
            return x[k] < y[k]
    return False


@njit(cache=True)
def _sorted(spans):
    """The spans in tuple order (a stable insertion sort: the lists are short)."""
    out = List()
    for s in spans:
        out.append(s)
    for k in range(1, len(out)):
        x = out[k]
        m = k - 1
        while m >= 0 and _lt(x, out[m]):
            out[m + 1] = out[m]
            m -= 1
        out[m + 1] = x
    return out


@njit(cache=True)
def _overlaps(x, y):
    return x[0] < y[1] and y[0] < x[1] and x[2] < y[3] and y[2] < x[3]


@njit(cache=True)
def _matches(a, b):
    """Indices ``(i, j)`` of the values two sorted distinct arrays share (``a[i] == b[j]``)."""
    ia = np.empty(min(len(a), len(b)), np.int64)
    ib = np.empty(len(ia), np.int64)
    i = j = n = 0
    while i < len(a) and j < len(b):
        if a[i] == b[j]:
            ia[n], ib[n] = i, j
            n += 1
            i += 1
            j += 1
        elif a[i] < b[j]:
            i += 1
        else:
            j += 1
    return ia[:n], ib[:n]


@njit(cache=True)
def _n_common(a, b):
    """How many values two sorted distinct arrays share."""
    return len(_matches(a, b)[0])


@njit(cache=True)
def _common(a, b):
    """The values two sorted distinct arrays share, sorted."""
    return a[_matches(a, b)[0]]


@njit(cache=True)
def _has(sorted_values, x):
    k = np.searchsorted(sorted_values, x)
    return k < len(sorted_values) and sorted_values[k] == x


@njit(cache=True)
def _window_bag(tokens, content, lo, hi):
    """The distinct content words of ``[lo, hi)``, sorted."""
    return np.unique(tokens[lo:hi][content[lo:hi]])


# ---------------------------------------------------------------------------------------- ordered path


@njit(cache=True)
def _seeds(ka, sa, pa, kb, sb, pb, min_seeds, max_repeats):
    """Positions ``(i, j)`` of equal n-grams (see ``align._seeds``)."""
    ia, ib = _matches(ka, kb)
    if len(ia) < min_seeds:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    total = 0
    for k in range(len(ia)):
        cb = sb[ib[k] + 1] - sb[ib[k]]
        if cb <= max_repeats:
            total += (sa[ia[k] + 1] - sa[ia[k]]) * cb
    si = np.empty(total, np.int64)
    sj = np.empty(total, np.int64)
    n = 0
    for k in range(len(ia)):
        i, j = ia[k], ib[k]
        if sb[j + 1] - sb[j] <= max_repeats:
            for u in range(sa[i], sa[i + 1]):
                for v in range(sb[j], sb[j + 1]):
                    si[n] = pa[u]
                    sj[n] = pb[v]
                    n += 1
    return si, sj


@njit(cache=True)
def _runs(si, sj):
    """Seeds on one diagonal at consecutive positions, ``(i0, i1, j0, j1)`` inclusive, by ``(i0, j0)``."""
    shift = np.int64(_POS_LIMIT)
    diag = sj - si
    order = np.argsort((diag + shift) * (2 * shift) + si)
    runs = List()
    d0 = diag[order[0]]
    i0 = si[order[0]]
    prev = i0
    for k in range(1, len(order)):
        d = diag[order[k]]
        x = si[order[k]]
        if d == d0 and x == prev + 1:
            prev = x
            continue
        runs.append((i0, prev, i0 + d0, prev + d0))
        d0, i0, prev = d, x, x
    runs.append((i0, prev, i0 + d0, prev + d0))
    keys = np.empty(len(runs), np.int64)
    for k in range(len(runs)):
        keys[k] = runs[k][0] * (2 * shift) + runs[k][2]  # (i0, j0): unique per run
    out = List()
    for k in np.argsort(keys):
        out.append(runs[k])
    return out


@njit(cache=True)
def _ordered_passages(ka, sa, pa, kb, sb, pb, n, max_gap, min_seeds, max_repeats):
    """Shared n-grams chained into passages (see ``align.ordered_passages``)."""
    si, sj = _seeds(ka, sa, pa, kb, sb, pb, min_seeds, max_repeats)
    out = List()
    if len(si) == 0:
        out.append((0, 0, 0, 0))
        out.pop()
        return out
    runs = _runs(si, sj)
    chains = np.empty((len(runs), 5), np.int64)
    nc = 0
    for r in runs:
        i0, i1, j0, j1 = r
        best = -1
        best_score = 0
        for c in range(nc):
            di = i0 - chains[c, 1]
            dj = j0 - chains[c, 3]
            if 0 < di <= max_gap + 1 and 0 < dj <= max_gap + 1:
                if best < 0 or (di + dj) < best_score:
                    best, best_score = c, di + dj
            elif (
                di <= 0
                and dj <= 0
                and i1 <= chains[c, 1]
                and j1 <= chains[c, 3]
                and chains[c, 0] <= i0
                and chains[c, 2] <= j0
            ):
                best, best_score = c, 0
                break
        if best < 0:
            chains[nc, 0], chains[nc, 1], chains[nc, 2], chains[nc, 3] = i0, i1, j0, j1
            chains[nc, 4] = i1 - i0 + 1
            nc += 1
        else:
            c = best
            if i1 > chains[c, 1] or j1 > chains[c, 3]:
                if i1 > chains[c, 1]:
                    chains[c, 4] += i1 - max(i0, chains[c, 1] + 1) + 1
                chains[c, 1] = max(chains[c, 1], i1)
                chains[c, 3] = max(chains[c, 3], j1)
    for c in range(nc):
        if chains[c, 4] >= min_seeds:
            out.append((chains[c, 0], chains[c, 1] + n, chains[c, 2], chains[c, 3] + n))
    return out


@njit(cache=True)
def _near(a0, a1, b0, b1, m, gap, gap_b):
    return a0 <= m[1] + gap and m[0] <= a1 + gap and b0 <= m[3] + gap_b and m[2] <= b1 + gap_b


@njit(cache=True)
def _merge_spans(spans, gap, gap_b):
    """Spans within ``gap`` on one side and ``gap_b`` on the other merged until none are (see
    ``align.merge_spans``)."""
    current = _sorted(spans)
    while True:
        out = List()
        for x in current:
            a0, a1, b0, b1 = x
            merged = False
            for k in range(len(out)):
                m = out[k]
                if _near(a0, a1, b0, b1, m, gap, gap_b) or _near(a0, a1, b0, b1, m, gap_b, gap):
                    out[k] = (min(m[0], a0), max(m[1], a1), min(m[2], b0), max(m[3], b1))
                    merged = True
                    break
            if not merged:
                out.append(x)
        if len(out) == len(current):
            return _sorted(out)
        current = _sorted(out)


# ------------------------------------------------------------------------------------ order-free path


@njit(cache=True)
def _hits(tokens, content, common):
    hit = np.zeros(len(tokens), np.bool_)
    for k in range(len(tokens)):
        if content[k] and _has(common, tokens[k]):
            hit[k] = True
    return hit


@njit(cache=True)
def _dense_regions(hit, content, width, floor, least):
    """Token ranges where most content words are hits (see ``align.dense_regions``)."""
    out = List()
    out.append((0, 0))
    out.pop()
    pos = np.flatnonzero(content)
    if len(pos) < least:
        return out
    h = hit[pos]
    w = min(width, len(pos))
    csum = np.zeros(len(pos) + 1, np.int64)
    for k in range(len(pos)):
        csum[k + 1] = csum[k] + (1 if h[k] else 0)
    marks = np.zeros(len(pos) + 1, np.int64)
    any_start = False
    for k in range(len(pos) - w + 1):
        if csum[k + w] - csum[k] >= floor * w:
            marks[k] += 1
            marks[k + w] -= 1
            any_start = True
    if not any_start:
        return out
    idx = np.empty(len(pos), np.int64)
    m = 0
    run = 0
    for k in range(len(pos)):
        run += marks[k]
        if run > 0 and h[k]:
            idx[m] = k
            m += 1
    if m == 0:
        return out
    lo = 0
    for k in range(m):
        if k == m - 1 or idx[k + 1] - idx[k] > w // 2:
            if k - lo + 1 >= least:
                out.append((pos[idx[lo]], pos[idx[k]] + 1))
            lo = k + 1
    return out


@njit(cache=True)
def _trim(tokens, content, lo, hi, other):
    """First and last content token of ``[lo, hi)`` in ``other`` (sorted), or ``(-1, -1)``."""
    first = -1
    last = -1
    for k in range(lo, hi):
        if content[k] and _has(other, tokens[k]):
            if first < 0:
                first = k
            last = k
    if first < 0:
        return -1, -1
    return first, last + 1


@njit(cache=True)
def _focus(tokens, content, lo, hi, other, length):
    """The ``length``-token stretch holding most of ``other``, trimmed (see ``align._focus``)."""
    length = max(1, min(length, hi - lo))
    csum = np.zeros(hi - lo + 1, np.int64)
    for k in range(lo, hi):
        csum[k - lo + 1] = csum[k - lo] + (1 if content[k] and _has(other, tokens[k]) else 0)
    best = 0
    best_value = -1
    for s in range(hi - lo - length + 1):
        v = csum[s + length] - csum[s]
        if v > best_value:
            best, best_value = s, v
    return _trim(tokens, content, lo + best, lo + best + length, other)


@njit(cache=True)
def _regions(hit, content, width, floor, dense, least):
    """Dense regions at the floor and, when lower, at the order-evidence density too: sorted, distinct."""
    out = _dense_regions(hit, content, width, floor, least)
    if dense == floor:
        return out
    both = List()
    for r in out:
        both.append((r[0], r[1], 0, 0))
    for r in _dense_regions(hit, content, width, dense, least):
        both.append((r[0], r[1], 0, 0))
    both = _sorted(both)
    out = List()
    for k in range(len(both)):
        if k == 0 or both[k][0] != both[k - 1][0] or both[k][1] != both[k - 1][1]:
            out.append((both[k][0], both[k][1]))
    return out


@njit(cache=True)
def _best_stretch(tokens, content, lo, hi, other, penalty):
    """The maximum-sum run of content words of ``[lo, hi)`` scoring +1 for a word in ``other`` (sorted)
    and ``-penalty`` for one not in it, or ``(-1, -1)`` (see ``align._best_stretch``)."""
    pos = np.flatnonzero(content[lo:hi])
    m = len(pos)
    if m == 0:
        return -1, -1
    csum = np.zeros(m + 1, np.float64)
    any_hit = False
    for k in range(m):
        if _has(other, tokens[lo + pos[k]]):
            any_hit = True
            csum[k + 1] = csum[k] + 1.0
        else:
            csum[k + 1] = csum[k] - penalty
    if not any_hit:
        return -1, -1
    low = csum[0]
    best = -np.inf
    end = 0
    end_low = low
    for e in range(m):
        low = min(low, csum[e])
        if csum[e + 1] - low > best:
            best, end, end_low = csum[e + 1] - low, e, low
    start = end
    while csum[start] != end_low:
        start -= 1
    return lo + pos[start], lo + pos[end] + 1


@njit(cache=True)
def _tighten(ta, ca, tb, cb, xa0, xa1, xb0, xb1, penalty):
    """Both sides cut down in turn to their best stretch against the other's words, until stable
    (at most four rounds), or ``-1``s (see ``align._tighten``)."""
    for _ in range(4):
        na0, na1 = _best_stretch(ta, ca, xa0, xa1, _window_bag(tb, cb, xb0, xb1), penalty)
        if na0 < 0:
            return -1, -1, -1, -1
        nb0, nb1 = _best_stretch(tb, cb, xb0, xb1, _window_bag(ta, ca, na0, na1), penalty)
        if nb0 < 0:
            return -1, -1, -1, -1
        if na0 == xa0 and na1 == xa1 and nb0 == xb0 and nb1 == xb1:
            break
        xa0, xa1, xb0, xb1 = na0, na1, nb0, nb1
    return xa0, xa1, xb0, xb1


@njit(cache=True)
def _in_order(wa, ca, wb, cb, a0, a1, b0, b1):
    """The longest common subsequence of the spans' content words over the shorter side's count
    (see ``align.in_order``)."""
    xs = wa[a0:a1][ca[a0:a1]]
    ys = wb[b0:b1][cb[b0:b1]]
    if len(xs) == 0 or len(ys) == 0:
        return 0.0
    order = np.argsort(ys, kind="mergesort")  # positions of each value stay ascending
    values = ys[order]
    tails = np.empty(len(ys), np.int64)
    size = 0
    for x in xs:
        lo = np.searchsorted(values, x, side="left")
        hi = np.searchsorted(values, x, side="right")
        for q in range(hi - 1, lo - 1, -1):
            j = order[q]
            k = np.searchsorted(tails[:size], j, side="left")
            tails[k] = j
            if k == size:
                size += 1
    return size / min(len(xs), len(ys))


@njit(cache=True)
def _passes_bag(wa, ca, wb, cb, a0, a1, b0, b1, bag, floor, low):
    """Whether an order-free passage is verified: content-word containment ``bag`` at least ``floor``,
    or at least ``low`` (> 0) with as large a share kept in order (see ``align.passes_bag``)."""
    if bag >= floor:
        return True
    return 0 < low <= bag and _in_order(wa, ca, wb, cb, a0, a1, b0, b1) >= low


@njit(cache=True)
def _rescue(ta, ca, wa, tb, cb, wb, a0, a1, b0, b1, floor, low, penalty, least):
    """The tightened stretches of a region pair when their content words pass, or ``-1``s."""
    a0, a1, b0, b1 = _tighten(ta, ca, tb, cb, a0, a1, b0, b1, penalty)
    if a0 < 0:
        return -1, -1, -1, -1
    bag_a = _window_bag(ta, ca, a0, a1)
    bag_b = _window_bag(tb, cb, b0, b1)
    shared = _n_common(bag_a, bag_b)
    if shared < least:
        return -1, -1, -1, -1
    if not _passes_bag(wa, ca, wb, cb, a0, a1, b0, b1, shared / min(len(bag_a), len(bag_b)), floor, low):
        return -1, -1, -1, -1
    return a0, a1, b0, b1


@njit(cache=True)
def _bag_passages(ta, ca, bka, wa, tb, cb, bkb, wb, width, floor, least, ratio, low, penalty):
    """Passages whose content words match in any order (see ``align.bag_passages``)."""
    spans = List()
    spans.append((0, 0, 0, 0))
    spans.pop()
    dense = min(floor, low) if low > 0 else floor
    common = _common(bka, bkb)
    if len(common) < least:
        return spans
    regions_b = _regions(_hits(tb, cb, common), cb, width, floor, dense, least)
    if len(regions_b) == 0:
        return spans
    bags_b = List()
    for r in regions_b:
        bags_b.append(_window_bag(tb, cb, r[0], r[1]))
    for ra in _regions(_hits(ta, ca, common), ca, width, floor, dense, least):
        a0, a1 = ra
        bag_a = _window_bag(ta, ca, a0, a1)
        for q in range(len(regions_b)):
            b0, b1 = regions_b[q]
            bag_b = bags_b[q]
            shared = _common(bag_a, bag_b)
            share = len(shared) / min(len(bag_a), len(bag_b))
            if share < floor:
                if penalty > 0 and len(shared) >= least and share >= RESCUE_SHARE:
                    cut = _rescue(ta, ca, wa, tb, cb, wb, a0, a1, b0, b1, floor, low, penalty, least)
                    if cut[0] >= 0:
                        spans.append(cut)
                continue
            xa0, xa1 = _trim(ta, ca, a0, a1, shared)
            xb0, xb1 = _trim(tb, cb, b0, b1, shared)
            if xa0 < 0 or xb0 < 0:
                continue
            la, lb = xa1 - xa0, xb1 - xb0
            if la > ratio * lb:
                xa0, xa1 = _focus(ta, ca, xa0, xa1, bag_b, int(1.5 * lb))
            elif lb > ratio * la:
                xb0, xb1 = _focus(tb, cb, xb0, xb1, bag_a, int(1.5 * la))
            if xa0 >= 0 and xb0 >= 0 and penalty > 0:
                xa0, xa1, xb0, xb1 = _tighten(ta, ca, tb, cb, xa0, xa1, xb0, xb1, penalty)
            if xa0 >= 0 and xb0 >= 0:
                spans.append((xa0, xa1, xb0, xb1))
    return spans


# -------------------------------------------------------------------------------------------- the pair


@njit(cache=True)
def _extends(b, ordered, least):
    for o in ordered:
        if _overlaps(o, b):
            outside_a = max(0, o[0] - b[0]) + max(0, b[1] - o[1])
            outside_b = max(0, o[2] - b[2]) + max(0, b[3] - o[3])
            if outside_a < least or outside_b < least:
                return False
    return True


@njit(cache=True)
def _covered(region, ordered):
    a0, a1 = region[0], region[1]
    pieces = List()
    for o in ordered:
        if _overlaps(o, region):
            pieces.append((max(a0, o[0]), min(a1, o[1]), 0, 0))
    pieces = _sorted(pieces)
    total = 0
    end = a0
    for p in pieces:
        if p[1] > end:
            total += p[1] - max(p[0], end)
            end = p[1]
    return total / max(1, a1 - a0)


@njit(cache=True)
def _cut(region, apart, least):
    pieces = List()
    pieces.append(region)
    for o in apart:
        nxt = List()
        for x in pieces:
            a0, a1, b0, b1 = x
            if not (a0 < o[1] and o[0] < a1 and b0 < o[3] and o[2] < b1):
                nxt.append(x)
                continue
            nxt.append((a0, min(a1, o[0]), b0, min(b1, o[2])))
            nxt.append((max(a0, o[1]), a1, max(b0, o[3]), b1))
        pieces = List()
        for x in nxt:
            if x[1] - x[0] >= least and x[3] - x[2] >= least:
                pieces.append(x)
    return pieces


@njit(cache=True)
def _measure(ga, ca_, wa_, gb, cb_, wb_, a0, a1, b0, b1, n):
    sa = np.unique(ga[a0 : max(a0, a1 - n + 1)])
    sb = np.unique(gb[b0 : max(b0, b1 - n + 1)])
    inter = _n_common(sa, sb)
    union = len(sa) + len(sb) - inter
    jac = inter / union if union else 0.0
    low = min(len(sa), len(sb))
    cont = inter / low if low else 0.0
    wa = _window_bag(wa_, ca_, a0, a1)
    wb = _window_bag(wb_, cb_, b0, b1)
    wl = min(len(wa), len(wb))
    bag = _n_common(wa, wb) / wl if wl else 0.0
    return jac, cont, bag


@njit(cache=True)
def align_arrays(
    ta, ca, ga, ka, sa, pa, bka, wa, tb, cb, gb, kb, sb, pb, bkb, wb, order_free, n, iparams, fparams
):  # pragma: no cover - compiled; equality with the reference is tested
    """Every verified passage pair of two documents: ``(spans (m, 4), measures (m, 3), kinds (m,))``.

    ``iparams``: max_gap, min_seeds, max_repeats, min_tokens, keep_apart, bag_min_words, reorder_gap,
    width (segment stride). ``fparams``: bag_containment, bag_length_ratio, min_containment,
    min_jaccard, near_jaccard, bag_ordered, bag_tighten.
    """
    max_gap, min_seeds, max_repeats, min_tokens, keep_apart, least, reorder_gap, width = (
        iparams[0],
        iparams[1],
        iparams[2],
        iparams[3],
        iparams[4],
        iparams[5],
        iparams[6],
        iparams[7],
    )
    floor, ratio, min_containment, min_jaccard, near_jaccard, low, penalty = (
        fparams[0],
        fparams[1],
        fparams[2],
        fparams[3],
        fparams[4],
        fparams[5],
        fparams[6],
    )
    ordered = _merge_spans(
        _ordered_passages(ka, sa, pa, kb, sb, pb, n, max_gap, min_seeds, max_repeats), max_gap, max_gap
    )
    held = ordered
    reach = 2 * min_tokens
    if penalty > 0:
        # Tightened order-free passages have no loose edges: they need only reach a little beyond a
        # verbatim passage, and verbatim scraps too short to report do not hold them back.
        held = List()
        for o in ordered:
            if min(o[1] - o[0], o[3] - o[2]) >= min_tokens:
                held.append(o)
        reach = min_tokens // 2
    bags = List()
    bags.append((0, 0, 0, 0))
    bags.pop()
    if order_free:
        for b in _bag_passages(ta, ca, bka, wa, tb, cb, bkb, wb, width, floor, least, ratio, low, penalty):
            if _extends(b, held, reach):
                bags.append(b)
    absorbing = np.zeros(len(bags), np.bool_)
    for q in range(len(bags)):
        absorbing[q] = _covered(bags[q], ordered) >= 0.5
    apart = List()
    short = List()
    for o in ordered:
        inside = False
        for q in range(len(bags)):
            if absorbing[q] and _overlaps(o, bags[q]):
                inside = True
                break
        if not inside and min(o[1] - o[0], o[3] - o[2]) >= keep_apart:
            apart.append(o)
        else:
            short.append(o)
    for q in range(len(bags)):
        if absorbing[q]:
            short.append(bags[q])
        else:
            for p in _cut(bags[q], apart, least):
                short.append(p)
    spans = List()
    for o in apart:
        spans.append(o)
    if len(short):
        for m in _merge_spans(short, max_gap, reorder_gap):
            spans.append(m)
    spans = _sorted(spans)
    out = np.empty((len(spans), 4), np.int64)
    measures = np.empty((len(spans), 3), np.float64)
    kinds = np.empty(len(spans), np.int8)
    m = 0
    for s in spans:
        a0, a1, b0, b1 = s
        if min(a1 - a0, b1 - b0) < min_tokens:
            continue
        exact = a1 - a0 == b1 - b0
        same = exact  # tokens, stems and content flags all equal: the measures need no sets
        if exact:
            for k in range(a1 - a0):
                if ta[a0 + k] != tb[b0 + k]:
                    exact = same = False
                    break
                if wa[a0 + k] != wb[b0 + k] or ca[a0 + k] != cb[b0 + k]:
                    same = False
        if same and a1 - a0 >= n:
            jac = cont = 1.0
            bag = 1.0 if ca[a0:a1].any() else 0.0
        else:
            jac, cont, bag = _measure(ga, ca, wa, gb, cb, wb, a0, a1, b0, b1, n)
        if (cont < min_containment or jac < min_jaccard) and not _passes_bag(
            wa, ca, wb, cb, a0, a1, b0, b1, bag, floor, low
        ):
            continue
        out[m, 0], out[m, 1], out[m, 2], out[m, 3] = a0, a1, b0, b1
        measures[m, 0], measures[m, 1], measures[m, 2] = jac, cont, bag
        kinds[m] = 0 if exact else (1 if jac >= near_jaccard else 2)
        m += 1
    return out[:m], measures[:m], kinds[:m]


def parameters(cfg: Config) -> tuple[np.ndarray, np.ndarray]:
    """The configuration values the kernel reads, packed as it expects them."""
    v = cfg.verify
    iparams = np.array(
        [
            v.max_gap,
            v.min_seeds,
            MAX_SEED_REPEATS,
            v.min_tokens,
            v.keep_apart,
            v.bag_min_words,
            v.reorder_gap,
            cfg.segment.stride,
        ],
        dtype=np.int64,
    )
    fparams = np.array(
        [
            v.bag_containment,
            v.bag_length_ratio,
            v.min_containment,
            v.min_jaccard,
            v.near_jaccard,
            v.bag_ordered,
            v.bag_tighten,
        ],
        dtype=np.float64,
    )
    return iparams, fparams


def align_pair_compiled(
    fa: Features, fb: Features, order_free: bool, cfg: Config, packed: tuple | None = None
) -> list[Aligned]:
    """Every verified passage pair between two documents, merged so one reused passage is one pair.

    Args:
        fa, fb: the two documents' features.
        order_free: also run the order-free aligner (the pair is a candidate of an order-free channel).
        cfg: the configuration (``verify``, ``segment.stride``, ``shingle.ngram``).
        packed: ``parameters(cfg)``, when the caller aligns many pairs with one configuration.

    Returns:
        The passages in ``(a0, a1, b0, b1)`` order, each with its measures and kind.

    Raises:
        ValueError: a document has ``2**30`` tokens or more.
    """
    if max(fa.n_tokens, fb.n_tokens) >= _POS_LIMIT:
        raise ValueError(f"a document of {max(fa.n_tokens, fb.n_tokens)} tokens: the aligner takes < 2**30")
    iparams, fparams = packed if packed is not None else parameters(cfg)
    spans, measures, kinds = align_arrays(
        fa.tokens,
        fa.content,
        fa.grams,
        fa.gram_keys,
        fa.gram_start,
        fa.gram_pos,
        fa.bag_keys,
        fa.words,
        fb.tokens,
        fb.content,
        fb.grams,
        fb.gram_keys,
        fb.gram_start,
        fb.gram_pos,
        fb.bag_keys,
        fb.words,
        order_free,
        cfg.shingle.ngram,
        iparams,
        fparams,
    )
    return [
        Aligned(a0, a1, b0, b1, jac, cont, bag, KINDS[k])
        for (a0, a1, b0, b1), (jac, cont, bag), k in zip(
            spans.tolist(), measures.tolist(), kinds.tolist(), strict=True
        )
    ]


# ---------------------------------------------------------------------------------------- many pairs

BATCH_FIELDS = ("tokens", "content", "grams", "gram_keys", "gram_start", "gram_pos", "bag_keys", "words")


@njit(cache=True)
def _grow(a, size):
    out = np.empty((max(size, 2 * a.shape[0]),) + a.shape[1:], a.dtype)
    out[: a.shape[0]] = a
    return out


@njit(cache=True)
def align_batch(
    offs,
    tokens,
    content,
    grams,
    gram_keys,
    gram_start,
    gram_pos,
    bag_keys,
    words,
    left,
    right,
    bag,
    n,
    iparams,
    fparams,
):  # pragma: no cover - compiled; equality with the one-pair entry point is tested
    """``align_arrays`` over many pairs in one call: ``(which, spans, measures, kinds)``, where
    ``which[m]`` is the pair of passage ``m``. The documents' fields are concatenated, document ``d``'s
    slice of field ``f`` being ``offs[f, d]:offs[f, d + 1]`` (fields in ``BATCH_FIELDS`` order);
    ``left[k]``, ``right[k]`` are pair ``k``'s documents and ``bag[k]`` its order-free flag."""
    which = np.empty(64, np.int64)
    spans = np.empty((64, 4), np.int64)
    measures = np.empty((64, 3), np.float64)
    kinds = np.empty(64, np.int8)
    m = 0
    for k in range(len(left)):
        i, j = left[k], right[k]
        s, ms, kd = align_arrays(
            tokens[offs[0, i] : offs[0, i + 1]],
            content[offs[1, i] : offs[1, i + 1]],
            grams[offs[2, i] : offs[2, i + 1]],
            gram_keys[offs[3, i] : offs[3, i + 1]],
            gram_start[offs[4, i] : offs[4, i + 1]],
            gram_pos[offs[5, i] : offs[5, i + 1]],
            bag_keys[offs[6, i] : offs[6, i + 1]],
            words[offs[7, i] : offs[7, i + 1]],
            tokens[offs[0, j] : offs[0, j + 1]],
            content[offs[1, j] : offs[1, j + 1]],
            grams[offs[2, j] : offs[2, j + 1]],
            gram_keys[offs[3, j] : offs[3, j + 1]],
            gram_start[offs[4, j] : offs[4, j + 1]],
            gram_pos[offs[5, j] : offs[5, j + 1]],
            bag_keys[offs[6, j] : offs[6, j + 1]],
            words[offs[7, j] : offs[7, j + 1]],
            bag[k],
            n,
            iparams,
            fparams,
        )
        got = len(kd)
        if m + got > len(kinds):
            which, spans = _grow(which, m + got), _grow(spans, m + got)
            measures, kinds = _grow(measures, m + got), _grow(kinds, m + got)
        which[m : m + got] = k
        spans[m : m + got] = s
        measures[m : m + got] = ms
        kinds[m : m + got] = kd
        m += got
    return which[:m], spans[:m], measures[:m], kinds[:m]


def align_pairs(
    feats: list[Features], pairs: np.ndarray, bag: np.ndarray, cfg: Config, packed: tuple | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Every verified passage of many candidate pairs in one compiled call (no per-pair Python).

    Args:
        feats: the documents' features, indexed by ``pairs``.
        pairs: ``(k, 2)`` document indices; ``bag``: ``(k,)`` order-free flags.
        cfg, packed: as :func:`align_pair_compiled`.

    Returns:
        ``(which, spans, measures, kinds)``: for each passage its pair's row in ``pairs``, its
        ``(a0, a1, b0, b1)`` token span, ``(jaccard, containment, bag containment)`` and kind index
        (``KINDS``); pairs in order, each pair's passages as :func:`align_pair_compiled` gives them.
    """
    iparams, fparams = packed if packed is not None else parameters(cfg)
    pairs = np.asarray(pairs, dtype=np.int64).reshape(-1, 2)
    used, local = np.unique(pairs, return_inverse=True)
    local = local.reshape(-1, 2)
    chosen = [feats[d] for d in used.tolist()]
    longest = max((f.n_tokens for f in chosen), default=0)
    if longest >= _POS_LIMIT:
        raise ValueError(f"a document of {longest} tokens: the aligner takes < 2**30")
    offs = np.zeros((len(BATCH_FIELDS), len(chosen) + 1), np.int64)
    arrays = []
    for f, name in enumerate(BATCH_FIELDS):
        parts = [getattr(x, name) for x in chosen]
        np.cumsum([len(p) for p in parts], out=offs[f, 1:])
        arrays.append(np.concatenate(parts) if parts else _EMPTY[name])
    return align_batch(
        offs,
        *arrays,
        np.ascontiguousarray(local[:, 0]),
        np.ascontiguousarray(local[:, 1]),
        np.asarray(bag, dtype=np.bool_),
        cfg.shingle.ngram,
        iparams,
        fparams,
    )


_EMPTY = {
    "tokens": np.empty(0, np.uint32),
    "content": np.empty(0, np.bool_),
    "grams": np.empty(0, np.uint32),
    "gram_keys": np.empty(0, np.uint32),
    "gram_start": np.empty(0, np.int32),
    "gram_pos": np.empty(0, np.int32),
    "bag_keys": np.empty(0, np.uint32),
    "words": np.empty(0, np.uint32),
}
