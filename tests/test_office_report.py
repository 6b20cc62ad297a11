"""The report the mayor's office files (issue 11, point 6): a first page that summarises the day,
page numbers and the workshop's name in the printed footer, headings kept with their chart,
readable heatmap labels, and "Buat laporan" giving a link that opens the file.

Expected numbers are computed here from the store's rows with plain pandas, not with
:mod:`cityworkshop.analysis`. The PDF tests (marked ``browser``) print with Debian's Chromium
and read the pages back with pypdf.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from cityworkshop.demo import make_demo
from cityworkshop.i18n import t
from cityworkshop.report import build_report, write_pdf, write_report
from cityworkshop.report.html import css_string, long_date
from cityworkshop.report.kinds import readable_heatmap
from cityworkshop.report.widget import ReportButton, notebook_link
from cityworkshop.store import WorkshopStore

CHROMIUM = "/usr/bin/chromium"
needs_chromium = pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK),
                                    reason="needs Debian's chromium at /usr/bin/chromium")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    with make_demo(tmp_path_factory.mktemp("office") / "d.db") as store:
        yield store


@pytest.fixture(scope="module", params=["id", "en"])
def page(request, demo) -> tuple[str, BeautifulSoup]:
    return request.param, BeautifulSoup(build_report(demo, request.param), "html.parser")


def _data(node, name: str):
    return json.loads(node[f"data-{name}"])


# -- the first page ---------------------------------------------------------------------------


def test_first_page_says_who_when_where(demo, page):
    lang, soup = page
    program = demo.pack.program
    cover = soup.find(id="cw-cover")
    assert program.venue.get(lang) in cover.find(id="cw-fact-venue").get_text()
    assert program.presenter.get(lang) in cover.find(id="cw-fact-presenter").get_text()
    assert program.audience.get(lang) in cover.get_text()
    first = demo.events()[0]["at"] if demo.events() else demo.info().created_at
    day = pd.Timestamp(first).tz_localize("UTC") if pd.Timestamp(first).tzinfo is None \
        else pd.Timestamp(first)
    day = day.tz_convert(demo.pack.city.timezone).date()
    assert _data(cover.find(id="cw-fact-date"), "value") == day.isoformat()
    assert long_date(day, lang) in cover.find(id="cw-fact-date").get_text()
    hours = cover.find(id="cw-fact-time").get_text()
    assert f"{program.sessions[0].start:%H:%M}" in hours
    assert f"{program.sessions[-1].end:%H:%M}" in hours
    assert _data(cover.find(id="cw-fact-participants"), "value") == len(demo.list_participants())
    assert _data(cover.find(id="cw-fact-groups"), "value") == len(demo.list_groups())
    # the reference event's date, since the demo runs on another day
    assert long_date(program.date, lang) in soup.find(id="cw-program-date").get_text()
    # the summary comes before the agenda, and the agenda starts a new printed page
    assert soup.find(id="cw-summary").find_next(id="cw-agenda") is not None


def test_summary_shows_the_three_largest_gaps_computed_from_the_answers(demo, page):
    lang, soup = page
    rows = pd.DataFrame(demo.answer_rows("disruptive-scoring"))
    scores = rows[rows["field"].isin(["now", "target"]) & rows["value_num"].notna()]
    means = scores.pivot_table(index="item_id", columns="field", values="value_num",
                               aggfunc="mean")
    gap = (means["target"] - means["now"]).dropna()
    order = [it.id for it in demo.activity("disruptive-scoring").items]
    ranked = sorted(gap.index, key=lambda i: (-round(gap[i], 9), order.index(i)))[:3]
    card = soup.find(id="cw-summary-gaps")
    assert _data(card, "items") == ranked
    assert _data(card, "gaps") == pytest.approx([gap[i] for i in ranked], abs=0.005)
    labels = {it.id: it.label.get(lang) for it in demo.activity("disruptive-scoring").items}
    shown = [tr.find("td").get_text() for tr in card.find("tbody").find_all("tr")]
    assert shown == [labels[i] for i in ranked]
    assert t("report.summary_gaps", lang, n=3) == card.find("h3").get_text()


def test_summary_shows_the_chosen_ideas_and_the_roadmap(demo, page):
    lang, soup = page
    votes = pd.DataFrame(demo.answer_rows("idea-votes"))
    points = votes[votes["field"] == "points"].groupby("item_id")["value_num"].sum()
    points = points[points > 0].sort_values(ascending=False, kind="stable")
    card = soup.find(id="cw-summary-ideas")
    got = _data(card, "points")
    assert got == [int(p) for p in points.iloc[:3]]
    assert set(_data(card, "items")) <= set(points.index)
    assert all(points[i] == p for i, p in zip(_data(card, "items"), got, strict=True))
    assert len(card.find_all("li")) == 3
    plan = pd.DataFrame(demo.answer_rows("branding-plan"))
    steps = plan[plan["field"] == "what"]
    card = soup.find(id="cw-summary-roadmap")
    assert _data(card, "steps") == len(steps)
    assert _data(card, "groups") == steps["group_id"].nunique()
    phases = [tr.find("td").get_text() for tr in card.find("tbody").find_all("tr")]
    expected = [it.label.get(lang) for it in demo.activity("branding-plan").items
                if it.id in set(plan.loc[plan["field"] == "phase", "value_text"])]
    assert phases == expected
    text = card.get_text()
    months = plan.loc[plan["field"].isin(["start", "end"]), "value_text"]
    assert min(months) in text and max(months) in text


def test_summary_shows_satisfaction(demo, page):
    _, soup = page
    rows = pd.DataFrame(demo.answer_rows("satisfaction"))
    overall = rows.loc[rows["item_id"] == "overall", "value_num"].mean()
    card = soup.find(id="cw-summary-satisfaction")
    assert _data(card, "value") == pytest.approx(overall, abs=0.005)
    assert f"{overall:.1f}" in card.get_text()


def test_summary_of_a_workshop_without_answers_says_so(tmp_path):
    with WorkshopStore.create(tmp_path / "w.db", groups=2, seed=3) as store:
        soup = BeautifulSoup(build_report(store, "en"), "html.parser")
    for key in ("gaps", "ideas", "roadmap", "satisfaction"):
        assert t("report.summary_none", "en") in soup.find(id=f"cw-summary-{key}").get_text()


# -- printed pages ----------------------------------------------------------------------------


def test_print_css_has_footer_with_name_and_page_numbers(demo, page):
    lang, soup = page
    css = soup.find("style", id="cw-print").string
    title = demo.pack.program.title.get(lang)
    assert re.search(r"@page\s*\{[^}]*size:\s*A4", css)
    assert "@bottom-left" in css and "@bottom-right" in css
    assert css_string(title.split(":")[0])[1:-1] in css  # the workshop's name, escaped
    assert "counter(page)" in css and "counter(pages)" in css
    assert css_string(t("report.page", lang) + " ")[1:-1] in css


def test_css_string_cannot_end_the_style_sheet():
    text = css_string('"; } body {display:none} </style><script>x</script>')
    assert "<" not in text and "}" not in text and text.count('"') == 2


def test_headings_stay_with_their_first_chart(demo, page):
    _, soup = page
    for section in soup.find_all("section", class_="cw-activity"):
        keep = section.find("div", class_="cw-keep", recursive=False)
        assert keep is not None and keep.find("h3") is not None, section["id"]
        charts = section.find_all("div", class_="cw-chart")
        if charts:  # the first chart is in the same unbreakable block as the heading
            assert charts[0].find_parent("div", class_="cw-keep") is keep, section["id"]
    assert "<!--/cw-chart-->" not in str(soup)
    css = soup.find("style").string
    assert ".cw-keep {break-inside: avoid" in css
    assert re.search(r"h2, h3, h4[^{]*\{break-after: avoid", css)


def test_heatmap_has_criteria_as_rows_on_one_line(demo):
    from cityworkshop import analysis as A
    from cityworkshop import charts as C

    activity = demo.activity("disruptive-scoring")
    frame = A.answers_frame(demo.answer_rows(activity.id))
    matrix = A.group_item_matrix(frame, "now", items=[it.id for it in activity.items])
    fig = readable_heatmap(C.heatmap_chart(matrix, activity, "id",
                                           reasons=A.scale_reasons(frame), demo=True))
    trace = fig.data[0]
    labels = [it.label.get("id") for it in activity.items]
    assert list(trace.y) == labels  # whole names, no <br>, one per row
    assert all("<br>" not in str(v) for v in trace.y)
    groups = [g.name for g in demo.list_groups()]
    assert list(trace.x) == groups
    z = pd.DataFrame(trace.z, index=labels, columns=groups)
    rows = pd.DataFrame(demo.answer_rows(activity.id))
    now = rows[rows["field"] == "now"]
    first = now[(now["item_id"] == activity.items[0].id) & (now["group"] == groups[0])]
    assert z.iloc[0, 0] == pytest.approx(first["value_num"].mean())
    assert "%{y}" in trace.hovertemplate and fig.layout.height >= 38 * len(labels)


@pytest.mark.browser
@needs_chromium
def test_pdf_pages_have_numbers_and_the_workshops_name(demo, tmp_path):
    pypdf = pytest.importorskip("pypdf")
    html = write_report(demo, tmp_path / "laporan.html")
    pdf = write_pdf(html, tmp_path / "laporan.pdf", timeout=180)
    reader = pypdf.PdfReader(pdf)
    n = len(reader.pages)
    assert n >= 10
    title = demo.pack.program.title.get("id")
    for i in (0, 1, n // 2, n - 1):
        text = reader.pages[i].extract_text()
        assert f"Halaman {i + 1} dari {n}" in text, (i, text[-200:])
        assert title in text.replace("\n", " "), i
    # the whole summary is on the first page, the agenda on the second
    first = reader.pages[0].extract_text()
    for key in ("report.summary_gaps", "report.summary_ideas", "report.summary_roadmap",
                "report.summary_satisfaction"):
        assert t(key, "id", n=3) in first, key
    assert t("report.agenda", "id") in reader.pages[1].extract_text()
    # no page that only holds a heading: every page has more than its footer and a title
    for i, p in enumerate(reader.pages):
        lines = [ln for ln in p.extract_text().splitlines() if ln.strip()]
        assert len(lines) >= 3, (i, lines)


# -- "Buat laporan" ----------------------------------------------------------------------------


def _link(button: ReportButton) -> str:
    return "".join(o.get("data", {}).get("text/html", "") for o in button.link.outputs)


def test_report_button_gives_a_link_that_opens_the_file(tmp_path, monkeypatch):
    nb = tmp_path / "notebooks"
    nb.mkdir()
    monkeypatch.chdir(nb)
    monkeypatch.setenv("JPY_SESSION_NAME", "notebooks/05_penutupan.ipynb")
    with WorkshopStore.create(tmp_path / "w.db", groups=2, seed=1) as store:
        button = ReportButton(store, "id")
        button.button.click()
    assert (tmp_path / "report.html").is_file()
    soup = BeautifulSoup(_link(button), "html.parser")
    a = soup.find("a")
    assert a is not None and a["href"] == "../report.html"  # relative to the notebook
    assert (nb / a["href"]).resolve() == (tmp_path / "report.html").resolve()
    assert a["target"] == "_blank" and t("report.open_link", "id") in a.get_text()
    assert "report.html" in button.message.value


def test_report_button_outside_jupyters_folder_says_so(tmp_path, monkeypatch):
    nb = tmp_path / "lab"
    nb.mkdir()
    monkeypatch.chdir(nb)
    monkeypatch.setenv("JPY_SESSION_NAME", "05_penutupan.ipynb")  # Lab started in lab/
    with WorkshopStore.create(tmp_path / "w.db", groups=2, seed=1) as store:
        button = ReportButton(store, "en")
        button.button.click()
    assert _link(button) == ""
    assert t("report.written_outside", "en") in button.message.value.replace("&#x27;", "'")


def test_notebook_link_never_climbs_above_jupyters_folder():
    nb = Path("/srv/w/notebooks")
    assert notebook_link(Path("/srv/w/notebooks/r.html"), nb, None) == "r.html"
    assert notebook_link(Path("/srv/w/r.html"), nb, None) is None
    assert notebook_link(Path("/srv/w/r.html"), nb, "notebooks/05.ipynb") == "../r.html"
    assert notebook_link(Path("/srv/r.html"), nb, "notebooks/05.ipynb") is None


def test_the_report_of_a_server_workshop_goes_to_the_notebooks_folder(store, tmp_path,
                                                                     monkeypatch) -> None:
    """A PostgreSQL workshop has no folder of its own: 'Buat laporan' writes beside the
    notebook, named after the workshop (it tried the URL as a path before)."""
    button = ReportButton(store, "id")
    monkeypatch.setattr(button.store, "path",
                        "postgresql+psycopg://fasilitator@127.0.0.1/pelatihan?workshop=tangsel")
    monkeypatch.chdir(tmp_path)
    assert button.target == tmp_path.resolve() / "report-tangsel.html"
