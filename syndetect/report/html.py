"""The overlap report as one self-contained HTML page: right to left, readable on a phone, no network.

Everything is inline (CSS, the heatmap as a ``data:`` URI); every value from the corpus goes through
:func:`html.escape`. Reused spans are ``<mark>`` elements with their group's colour, each linking to
the origin passage (or to the group's card when the origin document is not shown).

Numbers that may carry a sign (time lags) and ranges are left-to-right isolates (``<bdi dir="ltr">``):
in right-to-left text a bare ``-8.92`` shows as ``8.92-``. Identifiers and times are isolates too.
The outlet matrix fits a desktop page whole (narrow columns, vertical headers); on a narrower screen
it scrolls inside its own box with the outlet names kept in view (a sticky first column), so no origin
column is ever cut off and the page itself never scrolls sideways. Self-reuse is a column of its own.
"""

from __future__ import annotations

import base64
from html import escape
from typing import Any

CSS = """
:root{--fg:#1d1d1f;--muted:#5f6368;--line:#d9d9d9;--bg:#fff;--soft:#f7f7f8}
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{font-family:"Noto Naskh Arabic","Noto Sans Arabic","DejaVu Sans",Tahoma,Arial,sans-serif;
 line-height:1.75;color:var(--fg);background:var(--bg);margin:0 auto;padding:0 1rem 3rem;max-width:1200px}
header{padding-top:1rem}
h1{font-size:1.55rem;margin:.5rem 0}
h2{font-size:1.2rem;border-bottom:1px solid var(--line);padding-bottom:.2rem;margin-top:2.2rem}
h3{font-size:1rem;margin:.4rem 0}
.en{color:var(--muted);font-weight:normal;font-size:.8em}
nav a{margin-inline-end:.8rem}
.stats{display:flex;flex-wrap:wrap;gap:.5rem;margin:.8rem 0}
.stat{border:1px solid var(--line);border-radius:8px;padding:.35rem .7rem;background:var(--soft)}
.stat b{display:block;font-size:1.15rem}
.scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;max-width:100%}
.matrix-box{--rowhead:7.5rem;scroll-padding-inline-start:var(--rowhead)}
table.matrix{font-size:.8rem}
table.matrix th,table.matrix td{padding:.15rem .25rem;min-width:2.4rem}
table.matrix th.col{writing-mode:vertical-rl;transform:rotate(180deg);vertical-align:bottom;text-align:start;padding:.4rem .1rem;min-width:2.4rem}
table.matrix th.row,table.matrix th.corner{position:sticky;inset-inline-start:0;z-index:1;background:var(--soft);
 width:var(--rowhead);min-width:var(--rowhead);max-width:var(--rowhead);white-space:normal;overflow-wrap:anywhere;text-align:start}
table.matrix th.corner{z-index:2;font-weight:normal;font-size:.75rem}
table.matrix .up{background:#eef3fb}
table.matrix .gap{border-inline-start:3px double var(--muted)}
table.matrix td.self{background:repeating-linear-gradient(45deg,#f1f1f1 0 4px,#fff 4px 8px);color:var(--muted)}
table.matrix td.diag{color:var(--line)}
.num{direction:ltr;unicode-bidi:isolate;white-space:nowrap;font-variant-numeric:tabular-nums}
.hint{color:var(--muted);font-size:.85rem}
table{border-collapse:collapse;font-size:.88rem;margin:.5rem 0}
th,td{border:1px solid var(--line);padding:.2rem .5rem;text-align:center;white-space:nowrap}
th{background:var(--soft)}
td.text-cell{white-space:normal;text-align:start;min-width:12rem}
img.heatmap{display:block;max-width:100%;height:auto;margin:.8rem 0;direction:ltr}
.id,code{font-family:"DejaVu Sans Mono",monospace;font-size:.85em;direction:ltr;unicode-bidi:isolate;overflow-wrap:anywhere}
.time{white-space:nowrap}
.cluster{border:1px solid var(--line);border-inline-start:8px solid var(--c);border-radius:8px;padding:.5rem .8rem;margin:.8rem 0}
blockquote{margin:.4rem 0;padding:.3rem .8rem;background:var(--soft);border-radius:6px}
ul.tree{list-style:none;margin:.2rem 0;padding-inline-start:1.3rem}
ul.tree li{margin:.15rem 0}
ul.tree li::before{content:"↰ ";color:var(--muted)}
.chip{display:inline-block;border:1px solid var(--line);border-radius:10px;padding:0 .45rem;font-size:.78rem;margin-inline-start:.25rem;white-space:nowrap}
.chip.credited{border-color:#2e7d32;color:#2e7d32}
.chip.uncredited{border-color:#b3261e;color:#b3261e}
.bar{display:inline-block;height:.6rem;background:#e0823d;border-radius:3px;vertical-align:middle}
.view{border:1px solid var(--line);border-radius:8px;padding:.6rem .8rem;margin:1rem 0}
.pair{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:1rem;align-items:start}
@media (max-width:720px){.pair{grid-template-columns:1fr}body{padding:0 .6rem 2rem}}
.text{white-space:pre-wrap;overflow-wrap:anywhere}
mark{color:inherit;border-radius:3px;padding:0 .08em}
mark a{color:inherit;text-decoration:none}
mark.origin{box-shadow:inset 0 -3px 0 rgba(0,0,0,.45)}
.src{border-inline-start:6px solid var(--c);padding:.3rem .6rem;margin:0 0 .6rem;background:var(--soft);border-radius:4px;font-size:.92rem}
.swatch{display:inline-block;width:.85em;height:.85em;border-radius:2px;background:var(--c);vertical-align:middle}
footer{margin-top:3rem;color:var(--muted);font-size:.85rem}
"""


def _e(value: Any) -> str:
    return escape("" if value is None else str(value), quote=True)


def _id(value: Any) -> str:
    """An identifier shown left to right inside the Arabic text."""
    return f'<bdi class="id" dir="ltr">{_e(value)}</bdi>'


def _time(value: Any) -> str:
    """A timestamp, kept on one line."""
    return f'<bdi class="id time" dir="ltr">{_e(value)}</bdi>'


def _num(value: Any) -> str:
    """A number that may be negative, as a left-to-right isolate (the minus stays on its left)."""
    return f'<bdi class="num" dir="ltr">{_e(value)}</bdi>'


def _range(lo: Any, hi: Any) -> str:
    """``lo – hi`` read left to right as one isolate, whatever the signs."""
    return f'<bdi class="num" dir="ltr">{_e(lo)} – {_e(hi)}</bdi>'


def _pct(x: float | None) -> str:
    return "" if x is None else f"{x * 100:.0f}%"


def _heat(share: float) -> str:
    alpha = 0.08 + 0.82 * share
    return f"background-color:rgba(224,130,61,{alpha:.2f})"


def render_html(data: dict[str, Any], png: bytes | None = None, meta: dict[str, Any] | None = None) -> str:
    """The report as one HTML page (see the module docstring)."""
    view_anchor = {v["doc"]: f"d-{k}" for k, v in enumerate(data["views"], start=1)}
    origin_shown = {
        src["cluster"] for v in data["views"] for src in v["sources"] if src["is_origin"] and src["origin"]
    }
    parts = [
        "<!doctype html>",
        '<html lang="ar" dir="rtl">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        '<meta name="generator" content="syndetect">',
        "<title>تقرير إعادة النشر — syndetect</title>",
        f"<style>{CSS}</style>",
        "</head>",
        "<body>",
        _header(data["summary"]),
        _matrix(data["matrix"], png),
        _lags(data["lags"], data.get("self_lags")),
        _passages(data["passages"], view_anchor),
        _documents(data["documents"], view_anchor),
        _views(data["views"], view_anchor, origin_shown, _carded(data["passages"])),
        _footer(meta),
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


def _header(s: dict[str, Any]) -> str:
    items = [
        ("وثيقة", s.get("documents"), "documents"),
        ("منفذ", s.get("outlets"), "outlets"),
        ("مجموعة نصوص منسوخة", s.get("clusters"), "groups"),
        ("رابط نسخ", s.get("edges"), "copy edges"),
        ("منسوبة إلى مصدرها", _pct(s.get("credited_share")), "credited"),
        ("مصدر مشترك خارج المدونة", s.get("upstream_clusters"), "common upstream"),
    ]
    if isinstance(s.get("revisions"), dict):
        items.append(("سلسلة مراجعات", s["revisions"].get("chains"), "revision chains"))
    if isinstance(s.get("boilerplate"), dict):
        items.append(("وثيقة فيها نص متكرر للمنفذ", s["boilerplate"].get("documents"), "boilerplate"))
    stats = "".join(
        f'<div class="stat"><b>{_e(v)}</b>{_e(label)} <span class="en">{_e(en)}</span></div>'
        for label, v, en in items
    )
    return (
        "<header>"
        '<h1>تقرير إعادة النشر <span class="en">syndetect overlap report</span></h1>'
        f'<div class="stats">{stats}</div>'
        '<nav><a href="#matrix">المصفوفة</a><a href="#lags">الفارق الزمني</a><a href="#passages">أكثر المقاطع نسخا</a>'
        '<a href="#documents">الوثائق</a><a href="#views">المقارنة</a></nav>'
        "</header>"
    )


def _matrix(m: dict[str, Any], png: bytes | None) -> str:
    cols = m["cols"]
    first_up = next((k for k, c in enumerate(cols) if c.startswith("upstream:")), None)

    def cls(k: int, base: str = "") -> str:
        names = [base] if base else []
        if first_up is not None and k >= first_up:
            names.append("up")
        if k == first_up:
            names.append("gap")
        return f' class="{" ".join(names)}"' if names else ""

    head = "".join(f'<th scope="col"{cls(k, "col")}>{_id(c)}</th>' for k, c in enumerate(cols))
    rows = []
    for a, shares, counts, total, own, own_share in zip(
        m["rows"], m["shares"], m["counts"], m["totals"], m["self"], m["self_shares"], strict=True
    ):
        cells = []
        for k, (c, v, n) in enumerate(zip(cols, shares, counts, strict=True)):
            if c == a:
                cells.append('<td class="diag" title="انظر عمود إعادة النشر الذاتي">—</td>')
            elif n:
                shown = _pct(v) if v >= 0.005 else _num("<1%")  # isolated: "<" stays left of "1%"
                cells.append(f'<td{cls(k)} style="{_heat(v)}" title="{_e(n)}">{shown}</td>')
            else:
                cells.append(f"<td{cls(k)}></td>")
        own_cell = _num(f"{own} ({_pct(own_share)})") if own else ""
        rows.append(
            f'<tr><th scope="row" class="row">{_id(a)}</th>{"".join(cells)}'
            f'<td class="gap">{_e(total)}</td><td class="self">{own_cell}</td></tr>'
        )
    img = ""
    if png:
        uri = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
        img = f'<img class="heatmap" src="{uri}" alt="خريطة حرارية لمصفوفة إعادة النشر بين المنافذ">'
    return (
        '<section id="matrix"><h2>من يعيد نشر من؟ <span class="en">outlet matrix</span></h2>'
        "<p>الصف: المنفذ الذي أعاد النشر؛ العمود: أصل النص (منفذ آخر، أو وكالة خارج المدونة "
        f"{_id('upstream:…')}). الخلية: حصة المقاطع التي نقلها الصف عن منافذ أخرى وأصلها العمود. "
        "إعادة المنفذ نشر نصوصه لا تدخل في الخلايا: لها عمود خاص (العدد وحصته من كل ما أعاد نشره).</p>"
        '<p class="hint">على الشاشات الضيقة تُسحب المصفوفة أفقيا وتبقى أسماء المنافذ ظاهرة.</p>'
        '<div class="scroll matrix-box"><table class="matrix"><thead><tr>'
        '<th class="corner" scope="col">المنفذ \\ الأصل</th>'
        f'{head}<th scope="col" class="gap" title="المقاطع المنقولة عن منافذ أخرى">المجموع</th>'
        '<th scope="col" class="own" title="إعادة المنفذ نشر نصوصه: العدد وحصته">ذاتي</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table></div>{img}</section>"
    )


def _lag_table(rows: list[dict[str, Any]]) -> str:
    body = "".join(
        f"<tr><td>{_id(r['outlet'])}</td><td>{_id(r['source'])}</td><td>{_num(r['n'])}</td>"
        f"<td>{_num(r['median_hours'])}</td><td>{_range(r['q1_hours'], r['q3_hours'])}</td>"
        f"<td>{_range(r['min_hours'], r['max_hours'])}</td></tr>"
        for r in rows
    )
    return (
        '<div class="scroll"><table class="lags"><thead><tr><th>المنفذ</th><th>الأصل</th><th>العدد</th>'
        f"<th>الوسيط</th><th>الربيعان</th><th>المدى</th></tr></thead><tbody>{body}</tbody></table></div>"
    )


def _lags(rows: list[dict[str, Any]], self_rows: list[dict[str, Any]] | None = None) -> str:
    own = ""
    if self_rows:
        own = (
            '<details><summary>إعادة المنفذ نشر نصوصه <span class="en">self-reuse</span></summary>'
            f"{_lag_table(self_rows)}</details>"
        )
    return (
        '<section id="lags"><h2>الفارق الزمني عن الأصل <span class="en">time lag, hours</span></h2>'
        "<p>بالساعات من نشر الأصل؛ السالب يعني أن النسخة حملت وقتا أقدم من الأصل (وقت زحف مثلا).</p>"
        f"{_lag_table(rows)}{own}</section>"
    )


def _tree(nodes: list[dict[str, Any]], view_anchor: dict[str, str]) -> str:
    if not nodes:
        return ""
    items = []
    for n in nodes:
        chips = []
        if n.get("rule"):
            chips.append(f'<span class="chip">{_e(n["rule"])}</span>')
        if n.get("similarity") is not None:
            chips.append(f'<span class="chip">تشابه {_num(n["similarity"])}</span>')
        if n.get("lag_hours") is not None:
            chips.append(f'<span class="chip">بعد {_num(n["lag_hours"])} ساعة</span>')
        if n.get("credited") is True:
            chips.append('<span class="chip credited">منسوب</span>')
        elif n.get("credited") is False:
            chips.append('<span class="chip uncredited">غير منسوب</span>')
        name = _id(n["doc"])
        if n["doc"] in view_anchor:
            name = f'<a href="#{view_anchor[n["doc"]]}">{name}</a>'
        items.append(
            f"<li>{name} {_id(n['outlet'])} {_time(n.get('published'))} "
            f"{''.join(chips)}{_tree(n['children'], view_anchor)}</li>"
        )
    return f'<ul class="tree">{"".join(items)}</ul>'


def _passages(passages: list[dict[str, Any]], view_anchor: dict[str, str]) -> str:
    cards = []
    for p in passages:
        up = ""
        if p.get("upstream"):
            up = f" — مصدر مشترك: <b>{_e(p['upstream_name'])}</b> {_id(p['upstream'])}"
        origin = p.get("origin") or {}
        story = p.get("story") or {}
        more = ""
        others = len(story.get("clusters", [])) - 1
        if others > 0:
            more = (
                f'<p class="hint">القصة نفسها: {_num(others)} مقاطع أخرى منقولة، في {_num(story["documents"])} '
                f"وثيقة من {_num(story['outlets'])} منافذ.</p>"
            )
        if p.get("left_out"):
            more += (
                f'<p class="hint">و{_num(p["left_out"])} أعضاء آخرون في المجموعة لا يشاركونها إلا عبارات '
                "جاهزة (ألقاب، صيغ): لا تظهر هنا، وكلها في <code>clusters.jsonl</code>.</p>"
            )
        aliases = "".join(f'<span id="{_e(cid)}"></span>' for cid in story.get("clusters", [])[1:])
        cards.append(
            f'<article class="cluster" id="{_e(p["cluster"])}" style="--c:{_e(p["color"])}">'
            f'<h3><span class="swatch"></span> {_id(p["cluster"])}: {_e(len(p["outlets"]))} منافذ، '
            f"{_e(p['size'])} مقاطع{up}</h3>"
            f'<blockquote dir="auto">{_e(origin.get("text"))}</blockquote>'
            f"{more}{aliases}{_tree(p['tree'], view_anchor)}</article>"
        )
    return (
        '<section id="passages"><h2>أكثر المقاطع نسخا وشجرة النسخ <span class="en">most syndicated passages</span></h2>'
        f"{''.join(cards)}</section>"
    )


def _documents(rows: list[dict[str, Any]], view_anchor: dict[str, str]) -> str:
    body = []
    for r in rows:
        name = _id(r["doc"])
        if r["doc"] in view_anchor:
            name = f'<a href="#{view_anchor[r["doc"]]}">{name}</a>'
        width = round(100 * r["reused_share"])
        body.append(
            f'<tr><td>{name}</td><td>{_id(r["outlet"])}</td><td class="text-cell">{_e(r.get("title"))}</td>'
            f"<td>{_time(r.get('published'))}</td>"
            f'<td><span class="bar" style="width:{width}px"></span> {_pct(r["reused_share"])}</td>'
            f"<td>{_pct(r['reused_by_others_share'])}</td></tr>"
        )
    return (
        '<section id="documents"><h2>حصة النص المعاد نشره في كل وثيقة <span class="en">reuse per document</span></h2>'
        '<div class="scroll"><table><thead><tr><th>الوثيقة</th><th>المنفذ</th><th>العنوان</th><th>النشر</th>'
        f"<th>منقول</th><th>نقله آخرون</th></tr></thead><tbody>{''.join(body)}</tbody></table></div></section>"
    )


def _carded(passages: list[dict[str, Any]]) -> set[str]:
    """The groups with an anchor in the top list: each story's groups (its card holds their ids)."""
    return {cid for p in passages for cid in (p.get("story") or {}).get("clusters", [p["cluster"]])}


def _views(
    views: list[dict[str, Any]], view_anchor: dict[str, str], origin_shown: set[str], carded: set[str]
) -> str:
    out = []
    placed: set[str] = set()
    for v in views:
        text = _marked_text(v, origin_shown, placed, carded)
        sources = []
        for src in v["sources"]:
            o = src.get("origin") or {}
            if src.get("upstream"):
                where = f"مصدر مشترك: <b>{_e(src['upstream_name'])}</b> {_id(src['upstream'])}"
            elif src["is_origin"]:
                where = "هذه الوثيقة هي الأصل"
            else:
                target = view_anchor.get(o.get("doc", ""))
                link = f'<a href="#{target}">{_id(o.get("doc"))}</a>' if target else _id(o.get("doc"))
                where = f"الأصل: {link} {_id(o.get('outlet'))} {_time(o.get('published'))}"
            sources.append(
                f'<div class="src" style="--c:{_e(src["color"])}"><span class="swatch"></span> '
                f"{_cluster_link(src['cluster'], carded)} — {where}"
                f'<div dir="auto">{_e(o.get("text"))}</div></div>'
            )
        out.append(
            f'<article class="view" id="{view_anchor[v["doc"]]}">'
            f"<h3>{_e(v.get('title') or v['doc'])}</h3>"
            f"<p>{_id(v['doc'])} — {_id(v['outlet'])} {_time(v.get('published'))}</p>"
            f'<div class="pair"><div class="text" dir="auto">{text}</div>'
            f'<aside class="sources">{"".join(sources)}</aside></div></article>'
        )
    return (
        '<section id="views"><h2>النص والمقاطع المنقولة جنبا إلى جنب <span class="en">side by side</span></h2>'
        "<p>كل مقطع منقول مظلل بلون مجموعته ويحيل إلى الأصل؛ المقطع الأصلي مسطر.</p>"
        f"{''.join(out)}</section>"
    )


def _cluster_link(cid: str, carded: set[str]) -> str:
    return f'<a href="#{_e(cid)}">{_id(cid)}</a>' if cid in carded else _id(cid)


def _marked_text(v: dict[str, Any], origin_shown: set[str], placed: set[str], carded: set[str]) -> str:
    """The view's text, its reused spans as ``<mark>`` elements (origin spans get the anchor)."""
    text = v["text"]
    parts = []
    for seg in v["segments"]:
        piece = _e(text[seg["start"] : seg["end"]])
        cid = seg.get("cluster")
        if not cid:
            parts.append(piece)
            continue
        color = _e(seg["color"])
        anchor = ""
        if seg["role"] == "origin":
            href = f"#{_e(cid)}" if cid in carded else ""
            if cid not in placed:
                anchor = f' id="o-{_e(cid)}"'
                placed.add(cid)
            title = f"{cid}: الأصل"
        else:
            href = f"#o-{_e(cid)}" if cid in origin_shown else (f"#{_e(cid)}" if cid in carded else "")
            title = f"{cid}: منقول عن {seg.get('upstream') or seg.get('origin')}"
        parts.append(
            f'<mark class="{_e(seg["role"])}" data-cluster="{_e(cid)}" data-color="{color}"{anchor} '
            f'style="background-color:{color}" title="{_e(title)}">'
            + (f'<a href="{href}">{piece}</a>' if href else piece)
            + "</mark>"
        )
    return "".join(parts)


def _footer(meta: dict[str, Any] | None) -> str:
    meta = meta or {}
    bits = " · ".join(f"{_e(k)}: {_id(v)}" for k, v in sorted(meta.items()))
    return f"<footer>syndetect — {bits}</footer>"
