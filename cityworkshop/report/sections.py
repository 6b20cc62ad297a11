"""The parts of the workshop report: cover, agenda, one part per session, appendix.

Report layer, private to :mod:`cityworkshop.report`. Each function returns HTML text; the
results of each activity come from :mod:`cityworkshop.report.kinds`. Stable CSS classes and ids
(``cw-cover``, ``cw-agenda``, ``cw-session``, ``cw-activity`` with ``data-activity``,
``cw-no-answers``, ``cw-synthesis``, ``cw-snapshot``, ``cw-appendix``) let tests and readers find
each part.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from ..content import Activity, Session
from ..i18n import t
from ..kinds import kind_of
from .html import clean_rows, clock, data_attr, esc, local, long_date, table
from .kinds import CHART_END, SECTIONS, Context

if TYPE_CHECKING:
    from ..store import WorkshopStore

log = logging.getLogger(__name__)


def _time(s: Session) -> str:
    return f"{s.start:%H:%M}–{s.end:%H:%M}"


def _day_hours(store: WorkshopStore) -> str:
    sessions = store.pack.program.sessions
    return (f"{sessions[0].start:%H:%M}–{sessions[-1].end:%H:%M} "
            f"{store.pack.city.timezone_label}")


def cover(store: WorkshopStore, lang: str) -> str:
    """The first page's top: city, program, who (audience, presenter, participants, groups),
    when (the workshop's day and hours), where (venue); satisfaction; demo/snapshot notices."""
    from .summary import workshop_day

    pack, info = store.pack, store.info()
    program, city = pack.program, pack.city
    day = workshop_day(store)
    n_participants = len(store.list_participants())
    n_groups = len(store.list_groups())
    parts = ['<header class="cw-cover" id="cw-cover">']
    if info.is_demo:
        parts.append(f'<div class="cw-banner" id="cw-demo">{esc(t("demo.banner", lang))}</div>')
    open_ids = store.open_activities()
    if open_ids:
        now = local(store)
        titles = ", ".join(store.activity(a).title.get(lang) for a in open_ids)
        taken = t("report.snapshot", lang, time=clock(store, now), date=long_date(now, lang))
        parts.append(f'<div class="cw-snapshot" id="cw-snapshot">{esc(taken)}<br>'
                     f"{esc(t('report.snapshot_open', lang, activities=titles))}</div>")
    parts.append(f'<div class="cw-city">{esc(city.name)}, {esc(city.province)}</div>')
    parts.append(f"<h1>{esc(program.title.get(lang))}</h1>")
    parts.append(f'<p class="cw-audience">{esc(program.audience.get(lang))}</p>')
    facts: list[tuple[str, str, str, object, bool]] = [
        ("date", t("report.date", lang), long_date(day, lang), day.isoformat(), False),
        ("time", t("report.time", lang), _day_hours(store), None, False),
        ("participants", t("report.participants", lang), str(n_participants), n_participants,
         False),
        ("groups", t("report.groups", lang), str(n_groups), n_groups, False),
        ("venue", t("report.venue", lang), program.venue.get(lang), None, True),
    ]
    if program.presenter is not None:
        facts.append(("presenter", t("report.presenter", lang), program.presenter.get(lang),
                      None, True))
    parts.append('<div class="cw-facts">')
    for key, label, value, raw, wide in facts:
        attr = data_attr("value", raw) if raw is not None else ""
        cls = "cw-fact cw-fact-text" if wide else "cw-fact"
        parts.append(f'<div class="{cls}" id="cw-fact-{key}"{attr}>'
                     f'<div class="cw-label">{esc(label)}</div>'
                     f'<div class="cw-value">{esc(value)}</div></div>')
    parts.append("</div>")
    if program.date is not None and program.date != day:
        held = t("report.program_held", lang, date=long_date(program.date, lang),
                 venue=program.venue.get(lang))
        parts.append(f'<p class="cw-meta" id="cw-program-date">{esc(held)}</p>')
    now = local(store)
    generated = t("report.generated", lang, date=long_date(now, lang), time=clock(store, now))
    parts.append(f'<p class="cw-meta">{esc(generated)}</p>')
    parts.append("</header>")
    return "".join(parts)


def agenda(store: WorkshopStore, lang: str) -> str:
    """The sessions with their times and the activities of each, linked to their results."""
    rows = []
    for s in store.pack.program.sessions:
        acts = "".join(f'<li><a href="#a-{esc(a.id)}">{esc(a.title.get(lang))}</a></li>'
                       for a in s.activities)
        desc = (f'<div class="cw-meta">{esc(s.description.get(lang))}</div>'
                if s.description else "")
        rows.append(f"<tr><td class=\"cw-num\">{esc(_time(s))}</td>"
                    f"<td><b>{esc(s.title.get(lang))}</b>{desc}"
                    f"{'<ul>' + acts + '</ul>' if acts else ''}</td></tr>")
    head = (f"<thead><tr><th class=\"cw-num\">{esc(t('report.col_time', lang))}</th>"
            f"<th>{esc(t('report.col_session', lang))}</th></tr></thead>")
    return (f'<section id="cw-agenda"><h2>{esc(t("report.agenda", lang))}</h2>'
            f'<table class="cw-table cw-agenda">{head}<tbody>{"".join(rows)}</tbody></table>'
            "</section>")


def _scope(activity: Activity, lang: str) -> str:
    key = {"group": "report.scope_group", "participant": "report.scope_participant"}
    scope = t(key[activity.scope], lang) if activity.scope in key else activity.scope
    if activity.peer:
        scope += "; " + t("report.scope_about", lang)
    return scope


def activity_section(ctx: Context, activity: Activity) -> str:
    """One activity: title, prompt, how many answered, results or a clear "no answers"."""
    store, lang = ctx.store, ctx.lang
    # Whatever an older database holds, the sections below (and their charts) only see text
    # without control characters.
    data = store.activity_data(activity)
    rows = clean_rows(data.rows)
    data = data.with_rows(rows)
    if kind_of(activity).board:
        answered = len({r["participant_id"] for r in rows})
        count_text = t("report.questions_count", lang, n=len(rows), people=answered)
    else:
        answered = len({r["subject"] for r in rows})
        count_text = t("report.answered_count", lang, n=answered)
    opening = (f'<section class="cw-activity" id="a-{esc(activity.id)}"'
               f'{data_attr("activity", activity.id)}{data_attr("kind", activity.kind)}>')
    head = (f"<h3>{esc(activity.title.get(lang))}</h3>"
            f'<p class="cw-prompt">{esc(activity.prompt.get(lang))}</p>'
            f'<p class="cw-meta">{esc(_scope(activity, lang))} · {esc(count_text)}</p>')
    synthesis = data.synthesis
    syn = ""
    if synthesis:
        syn = (f'<div class="cw-synthesis"><h4>{esc(t("report.synthesis", lang))}</h4>'
               f'<div class="cw-text">{esc(synthesis)}</div></div>')
    if not rows:
        body = (f'<div class="cw-no-answers">{esc(t("report.no_answers", lang))}</div>')
    else:
        try:
            body = SECTIONS[activity.kind](ctx, activity, data)
        except Exception as e:  # noqa: BLE001 - one activity's odd answers never cost the report
            reason = (f"{type(e).__name__}: {e}".splitlines() or [""])[0][:200]
            log.warning("report: the results of %s could not be shown: %s", activity.id, reason)
            log.debug("report: %s", activity.id, exc_info=True)
            body = (f'<div class="cw-no-answers cw-section-failed">'
                    f'{esc(t("report.section_failed", lang, error=reason))}</div>')
    # The heading, prompt and synthesis stay on one page with the first chart: never a
    # heading alone at the foot of a page with its chart on the next.
    first = ""
    if body.startswith('<div class="cw-chart">') and CHART_END in body:
        first, _, body = body.partition(CHART_END)
    keep = f'<div class="cw-keep">{head}{syn}{first}</div>'
    return f"{opening}{keep}{body.replace(CHART_END, '')}</section>"


def session_section(ctx: Context, session: Session) -> str:
    """A session's heading and the results of each of its activities (sessions with none are
    only in the agenda)."""
    lang = ctx.lang
    desc = f"<p>{esc(session.description.get(lang))}</p>" if session.description else ""
    body = "".join(activity_section(ctx, a) for a in session.activities)
    return (f'<section class="cw-session" id="s-{esc(session.id)}">'
            f'<h2>{esc(session.title.get(lang))} <span class="cw-session-time">'
            f"{esc(_time(session))}</span></h2>{desc}{body}</section>")


def _program_facts(store: WorkshopStore, lang: str) -> str:
    """The program's venue, date and presenter with their source, when the pack gives one."""
    program = store.pack.program
    if not program.source:
        return ""
    rows = [[t("report.venue", lang), program.venue.get(lang)]]
    if program.date is not None:
        rows.append([t("report.program_date", lang), long_date(program.date, lang)])
    if program.presenter is not None:
        rows.append([t("report.presenter", lang), program.presenter.get(lang)])
    return (f"<h4>{esc(t('report.program_facts', lang))}</h4>"
            + table([t("report.col_fact", lang), t("report.col_value", lang)], rows,
                    classes="cw-program-facts")
            + f'<p class="cw-meta">{esc(t("report.col_source", lang))}: '
              f"{esc(program.source)}</p>")


def appendix(store: WorkshopStore, lang: str, *, names: bool = False) -> str:
    """How the answers were collected and summarised, and every content source."""
    pack = store.pack
    method = "".join(f"<p>{esc(t(key, lang))}</p>" for key in (
        "report.method_collect", "report.method_revisions", "report.method_scope",
        "report.method_names_on" if names else "report.method_names_off"))
    stats = "".join(f"<li>{esc(t(key, lang))}</li>" for key in (
        "report.stats_scale", "report.stats_gap", "report.stats_peer", "report.stats_text",
        "report.stats_matrix", "report.stats_points", "report.stats_questions"))
    unverified = t("report.unverified", lang)
    fact_rows = []
    for f in pack.city.facts:
        source = f.source + (f" ({f.url})" if f.url else "")
        fact_rows.append([f.label.get(lang), f.value.get(lang), f.year, source,
                          "" if f.verified else unverified])
    facts = table([t("report.col_fact", lang), t("report.col_value", lang),
                   t("report.col_year", lang), t("report.col_source", lang),
                   t("report.col_status", lang)], fact_rows, classes="cw-facts-table")
    # The unverified marker as a visible tag, not only a word in a cell.
    facts = facts.replace(f"<td>{esc(unverified)}</td>",
                          f'<td><span class="cw-unverified">{esc(unverified)}</span></td>')
    frameworks = []
    for fw in pack.frameworks.values():
        items = "".join(f"<li>{esc(s)}</li>" for s in fw.sources)
        frameworks.append(f"<h4>{esc(fw.name.get(lang))}</h4><ul>{items}</ul>")
    opds = ", ".join(o.name.get(lang) for o in pack.city.opds)
    opd_source = pack.city.opds_source or "—"
    return (
        f'<section class="cw-appendix" id="cw-appendix"><h2>{esc(t("report.appendix", lang))}</h2>'
        f"<h3>{esc(t('report.method', lang))}</h3>{method}"
        f"<h4>{esc(t('report.statistics', lang))}</h4><ul>{stats}</ul>"
        f"<h3>{esc(t('report.sources', lang))}</h3>{_program_facts(store, lang)}"
        f"<h4>{esc(t('report.city_facts', lang, city=pack.city.name))}</h4>{facts}"
        f"{''.join(frameworks)}"
        f"<h4>{esc(t('report.opds', lang))}</h4><p>{esc(opds)}</p>"
        f'<p class="cw-meta">{esc(t("report.col_source", lang))}: {esc(opd_source)}</p>'
        "</section>")
