"""The overlap report as one self-contained HTML page: right to left, readable on a phone, no network.

Everything is inline (CSS, the heatmap as a ``data:`` URI); every value from the corpus goes through
:func:`html.escape`. Reused spans are ``<mark>`` elements with their group's colour, each linking to
the origin passage (or to the group's card when the origin document is not shown).
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
        _lags(data["lags"]),
        _passages(data["passages"], view_anchor),
        _documents(data["documents"], view_anchor),
        _views(data["views"], view_anchor, origin_shown),
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
    head = "".join(f"<th>{_id(c)}</th>" for c in m["cols"])
    rows = []
    for a, shares, counts, total in zip(m["rows"], m["shares"], m["counts"], m["totals"], strict=True):
        cells = "".join(
            f'<td style="{_heat(v)}" title="{_e(n)}">{_pct(v)}</td>' if n else "<td></td>"
            for v, n in zip(shares, counts, strict=True)
        )
        rows.append(f"<tr><th>{_id(a)}</th>{cells}<td>{_e(total)}</td></tr>")
    img = ""
    if png:
        uri = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
        img = f'<img class="heatmap" src="{uri}" alt="خريطة حرارية لمصفوفة إعادة النشر بين المنافذ">'
    return (
        '<section id="matrix"><h2>من يعيد نشر من؟ <span class="en">outlet matrix</span></h2>'
        "<p>الصف: المنفذ الذي أعاد النشر؛ العمود: أصل النص (منفذ، أو وكالة خارج المدونة "
        f"{_id('upstream:…')}). الخلية: حصة المقاطع المعاد نشرها في الصف التي أصلها العمود.</p>"
        '<div class="scroll"><table><thead><tr><th>المنفذ \\ الأصل</th>'
        f"{head}<th>المقاطع</th></tr></thead><tbody>{''.join(rows)}</tbody></table></div>{img}</section>"
    )


def _lags(rows: list[dict[str, Any]]) -> str:
    body = "".join(
        f"<tr><td>{_id(r['outlet'])}</td><td>{_id(r['source'])}</td><td>{_e(r['n'])}</td>"
        f"<td>{_e(r['median_hours'])}</td><td>{_e(r['q1_hours'])} – {_e(r['q3_hours'])}</td>"
        f"<td>{_e(r['min_hours'])} – {_e(r['max_hours'])}</td></tr>"
        for r in rows
    )
    return (
        '<section id="lags"><h2>الفارق الزمني عن الأصل <span class="en">time lag, hours</span></h2>'
        '<div class="scroll"><table><thead><tr><th>المنفذ</th><th>الأصل</th><th>العدد</th><th>الوسيط</th>'
        f"<th>الربيعان</th><th>المدى</th></tr></thead><tbody>{body}</tbody></table></div></section>"
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
            chips.append(f'<span class="chip">تشابه {_e(n["similarity"])}</span>')
        if n.get("lag_hours") is not None:
            chips.append(f'<span class="chip">بعد {_e(n["lag_hours"])} ساعة</span>')
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
        cards.append(
            f'<article class="cluster" id="{_e(p["cluster"])}" style="--c:{_e(p["color"])}">'
            f'<h3><span class="swatch"></span> {_id(p["cluster"])}: {_e(len(p["outlets"]))} منافذ، '
            f"{_e(p['size'])} مقاطع{up}</h3>"
            f'<blockquote dir="auto">{_e(origin.get("text"))}</blockquote>'
            f"{_tree(p['tree'], view_anchor)}</article>"
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


def _views(views: list[dict[str, Any]], view_anchor: dict[str, str], origin_shown: set[str]) -> str:
    out = []
    placed: set[str] = set()
    for v in views:
        text = _marked_text(v, origin_shown, placed)
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
                f'<a href="#{_e(src["cluster"])}">{_id(src["cluster"])}</a> — {where}'
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


def _marked_text(v: dict[str, Any], origin_shown: set[str], placed: set[str]) -> str:
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
            href = f"#{_e(cid)}"
            if cid not in placed:
                anchor = f' id="o-{_e(cid)}"'
                placed.add(cid)
            title = f"{cid}: الأصل"
        else:
            href = f"#o-{_e(cid)}" if cid in origin_shown else f"#{_e(cid)}"
            title = f"{cid}: منقول عن {seg.get('upstream') or seg.get('origin')}"
        parts.append(
            f'<mark class="{_e(seg["role"])}" data-cluster="{_e(cid)}" data-color="{color}"{anchor} '
            f'style="background-color:{color}" title="{_e(title)}"><a href="{href}">{piece}</a></mark>'
        )
    return "".join(parts)


def _footer(meta: dict[str, Any] | None) -> str:
    meta = meta or {}
    bits = " · ".join(f"{_e(k)}: {_id(v)}" for k, v in sorted(meta.items()))
    return f"<footer>syndetect — {bits}</footer>"
