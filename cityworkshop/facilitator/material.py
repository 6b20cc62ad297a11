"""The session's material on the projector: criteria with the city's facts, sources and years.

Pages layer: reads the content pack only (no store, no answers). All text is HTML-escaped.
"""

from __future__ import annotations

import ipywidgets as widgets

from ..content import ContentPack, Criterion, Fact
from ..i18n import t
from ._html import CSS, esc

__all__ = ["material"]


def _fact_html(fact: Fact, lang: str) -> str:
    flag = ""
    if not fact.verified:
        flag = f' <span class="cw-unverified">{esc(t("material.unverified", lang))}</span>'
    return (f"<b>{esc(fact.label.get(lang))}</b>: {esc(fact.value.get(lang))}{flag}"
            f' <span class="cw-src">({esc(t("material.source", lang))}: {esc(fact.source)},'
            f" {fact.year})</span>")


def _criterion_html(c: Criterion, pack: ContentPack, lang: str) -> str:
    facts = {f.key: f for f in pack.city.facts}
    linked = "".join(f"<li>{_fact_html(facts[k], lang)}</li>" for k in c.facts if k in facts)
    linked_html = (f'<div class="cw-src">{esc(t("material.linked_facts", lang))}:</div>'
                   f'<ul style="margin:2px 0 0 18px;padding:0">{linked}</ul>') if linked else ""
    return (
        '<div class="cw-card">'
        f'<span class="cw-tag">{esc(t("material.dimension", lang))}: '
        f'{esc(t("dimension." + c.smart_city_dimension, lang))}</span>'
        f"<h4>{esc(c.name.get(lang))}</h4>"
        f"<div>{esc(c.description.get(lang))}</div>"
        f'<div class="cw-q">{esc(t("material.question", lang))}: {esc(c.question.get(lang))}'
        f"</div>{linked_html}</div>"
    )


def _material_html(pack: ContentPack, activity_id: str | None, lang: str) -> str:
    parts = [CSS, '<div class="cw-box">']
    if activity_id is None:
        frameworks = list(pack.frameworks.values())
        items_html = ""
    else:
        activity = pack.program.activity(activity_id)
        frameworks = [pack.framework(activity.items_from)] if activity.items_from else []
        parts.append(f"<h3>{esc(activity.title.get(lang))}</h3>"
                     f"<p>{esc(activity.prompt.get(lang))}</p>")
        items_html = "" if frameworks else "".join(
            f'<div class="cw-card"><h4>{esc(it.label.get(lang))}</h4>'
            + (f'<div class="cw-q">{esc(it.help.get(lang))}</div>' if it.help else "")
            + "</div>" for it in activity.items)
    for fw in frameworks:
        parts.append(f"<h3>{esc(fw.name.get(lang))}</h3>"
                     f"<p>{esc(fw.description.get(lang))}</p>")
        parts.append('<div class="cw-grid">'
                     + "".join(_criterion_html(c, pack, lang) for c in fw.criteria) + "</div>")
        sources = "; ".join(esc(s) for s in fw.sources)
        parts.append(f'<p class="cw-src">{esc(t("material.framework_sources", lang))}: '
                     f"{sources}</p>")
    if items_html:
        parts.append(f'<div class="cw-grid">{items_html}</div>')
    city = pack.city
    rows = "".join(
        f"<tr><td><b>{esc(f.label.get(lang))}</b></td><td>{esc(f.value.get(lang))}"
        + (f' <span class="cw-unverified">{esc(t("material.unverified", lang))}</span>'
           if not f.verified else "")
        + f'</td><td class="cw-src">{esc(f.source)}</td><td class="cw-src">{f.year}</td></tr>'
        for f in city.facts)
    parts.append(
        f"<h3>{esc(t('material.facts', lang))}: {esc(city.name)}</h3>"
        f'<table class="cw-table"><tr><th></th><th></th><th>{esc(t("material.source", lang))}'
        f'</th><th>{esc(t("material.year", lang))}</th></tr>{rows}</table>'
    )
    parts.append("</div>")
    return "".join(parts)


def material(pack: ContentPack, activity_id: str | None = None, lang: str = "id") -> widgets.HTML:
    """The session's material: the criteria and the city's facts with source and year.

    Parameters
    ----------
    pack
        The content pack (``store.pack`` or :func:`~cityworkshop.content.load_pack`).
    activity_id
        Show the criteria behind this activity (with its title and prompt); default every
        framework of the program.
    lang
        ``"id"`` or ``"en"``.

    Returns
    -------
    HTML
        A widget: per criterion its name, description, guiding question, Smart City dimension
        and linked facts; then every fact of the city with source and year, facts with
        ``verified: false`` marked as unverified. All text is escaped.
    """
    w = widgets.HTML(_material_html(pack, activity_id, lang))
    w.add_class("cw-material")
    return w
