"""The "Terkirim" screen: what was stored, summarised per activity kind, every text escaped.

Pages layer, pure functions from an answer mapping to HTML (no store; they build no widget).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..content import Activity, Item
from ..forms.text import entry_label
from ..i18n import t
from ..kinds import kind_of
from ..markup import escape

__all__ = ["generic_lines", "matrix_lines", "plan_lines", "points_lines",
           "question_lines", "scale_lines", "sent_html", "text_lines"]


def _short(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _li(title: str, vals: str = "", note: str = "") -> str:
    out = f'<li><div class="cw-sum-item">{escape(title)}</div>'
    if vals:
        out += f'<div class="cw-sum-vals">{vals}</div>'
    if note:
        out += f'<div class="cw-sum-reason">{escape(_short(note))}</div>'
    return out + "</li>"


def scale_lines(activity: Any, answer: Mapping[str, Any], items: Sequence[Item], lang: str,
                owners: Mapping[str, str]) -> tuple[str, list[str]]:
    scores, reasons = answer.get("scores", {}), answer.get("reasons", {})
    lines = []
    for item in items:
        dims = scores.get(item.id, {})
        if not dims and item.id not in reasons:
            continue
        vals = " · ".join(f"{escape(d.label.get(lang))}: <b>{int(dims[d.id])}</b>"
                          for d in activity.dimensions if d.id in dims)
        lines.append(_li(item.label.get(lang), vals, reasons.get(item.id, "")))
    return t("sent.summary", lang, done=len(scores), total=len(items)), lines


def text_lines(activity: Any, answer: Mapping[str, Any], items: Sequence[Item], lang: str,
               owners: Mapping[str, str]) -> tuple[str, list[str]]:
    labels = {it.id: it.label.get(lang) for it in items}
    entries = answer.get("entries", [])
    lines = []
    for n, entry in enumerate(entries, start=1):
        item = entry.get("item")
        title = entry_label(activity, n, lang)
        if item:
            title += f": {labels.get(item, item)}"
        lines.append(_li(title, "", entry.get("text", "")))
    return t("sent.entries", lang, n=len(entries)), lines


def matrix_lines(activity: Any, answer: Mapping[str, Any], items: Sequence[Item], lang: str,
                 owners: Mapping[str, str]) -> tuple[str, list[str]]:
    positions = answer.get("positions", {})
    x_label, y_label = activity.x_axis.label.get(lang), activity.y_axis.label.get(lang)
    lines = [_li(it.label.get(lang), f"{escape(x_label)}: <b>{int(positions[it.id]['x'])}</b> · "
                                     f"{escape(y_label)}: <b>{int(positions[it.id]['y'])}</b>")
             for it in items if it.id in positions]
    return t("sent.placed", lang, done=len(positions), total=len(items)), lines


def points_lines(activity: Any, answer: Mapping[str, Any], items: Sequence[Item], lang: str,
                 owners: Mapping[str, str]) -> tuple[str, list[str]]:
    points = {k: int(v) for k, v in answer.get("points", {}).items() if v}
    labels = {it.id: it for it in items}
    lines = []
    for item_id, n in sorted(points.items(), key=lambda kv: -kv[1]):
        item = labels.get(item_id)
        title = _short(item.label.get(lang), 120) if item else item_id
        note = item.help.get(lang) if item and item.help else ""
        lines.append(_li(title, f"<b>{escape(t('sent.points_unit', lang, n=n))}</b>", note))
    total = sum(points.values())
    return t("sent.points", lang, total=total, budget=activity.budget), lines


def plan_lines(activity: Any, answer: Mapping[str, Any], items: Sequence[Item], lang: str,
               owners: Mapping[str, str]) -> tuple[str, list[str]]:
    phases = {it.id: it.label.get(lang) for it in items}
    steps = answer.get("steps", [])
    lines = []
    for step in steps:
        vals = (f"{escape(owners.get(step.get('owner', ''), step.get('owner', '')))} · "
                f"{escape(step.get('start', ''))} – {escape(step.get('end', ''))}")
        note = f"{step.get('what', '')} · KPI: {step.get('kpi', '')}"
        lines.append(_li(phases.get(step.get("phase", ""), step.get("phase", "")), vals, note))
    return t("sent.steps", lang, n=len(steps)), lines


def question_lines(activity: Any, answer: Mapping[str, Any], items: Sequence[Item], lang: str,
                   owners: Mapping[str, str]) -> tuple[str, list[str]]:
    """A question asked: the question itself (a board has no "sent" screen of its own)."""
    text = str(answer.get("text", ""))
    return t("sent.entries", lang, n=1 if text else 0), [_li(text)] if text else []


def generic_lines(activity: Any, answer: Mapping[str, Any], items: Sequence[Item], lang: str,
                  owners: Mapping[str, str]) -> tuple[str, list[str]]:
    """The answer of a kind that declares no summary of its own: each field and its value."""
    labels = {it.id: it.label.get(lang) for it in items}
    lines = [_li(labels.get(str(k), str(k)), escape(_short(str(v))))
             for k, v in answer.items() if k != "about"]
    return "", lines


def sent_html(activity: Activity, answer: Mapping[str, Any], *, lang: str, who: str, time: str,
              items: Sequence[Item], owners: Mapping[str, str] | None = None,
              about: str | None = None) -> str:
    """The confirmation box after "Kirim": heading, who and when, and the answer summarised.

    ``owners`` maps OPD ids to names (plan); ``about`` names the group a peer answer is about.
    """
    summary, lines = kind_of(activity).sent_lines(activity, answer, items, lang, owners or {})
    about_html = ""
    if about:
        about_text = escape(t("sent.about", lang, group=about))
        about_html = f'<p class="cw-p cw-sent-about"><b>{about_text}</b></p>'
    return (f'<div class="cw-sent-box"><h2 class="cw-h cw-sent-heading">&#10003; '
            f'{escape(t("sent.heading", lang))}</h2>{about_html}'
            f'<p class="cw-p">{escape(t("sent.body", lang, who=who, time=time))}</p>'
            f'<p class="cw-p">{escape(summary)}</p>'
            f'<ul class="cw-summary">{"".join(lines)}</ul></div>')
