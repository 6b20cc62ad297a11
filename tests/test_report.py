"""The workshop report: sections and numbers against the store, escaping of every free-text
field, anonymity, snapshot notice, "no answers", size, the CLI, the widget, and (marked
``browser``) the page in headless Chromium and the PDF."""

from __future__ import annotations

import os
from html.parser import HTMLParser
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from cityworkshop.cli import main
from cityworkshop.demo import make_demo
from cityworkshop.report import ReportError, build_report, write_pdf, write_report
from cityworkshop.store import WorkshopStore

CHROMIUM = "/usr/bin/chromium"
needs_chromium = pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK),
                                    reason="needs Debian's chromium at /usr/bin/chromium")
INJECT = '<script>window.__injected=1</script><img src=x onerror="window.__injected=2">'


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("report") / "d.db"
    with make_demo(path) as store:
        yield store


@pytest.fixture(scope="module")
def demo_html(demo) -> str:
    return build_report(demo, "id")


@pytest.fixture(scope="module")
def soup(demo_html) -> BeautifulSoup:
    return BeautifulSoup(demo_html, "html.parser")


def _plotlyjs() -> str:
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def _section(soup: BeautifulSoup, activity_id: str):
    section = soup.find("section", id=f"a-{activity_id}")
    assert section is not None, activity_id
    return section


def _table_rows(table) -> list[list[str]]:
    return [[c.get_text() for c in tr.find_all("td")] for tr in table.find("tbody").find_all("tr")]


# -- structure and numbers ------------------------------------------------------------------


def test_cover_counts_participants_and_groups(demo, soup):
    assert soup.find(id="cw-fact-participants")["data-value"] == str(len(demo.list_participants()))
    assert soup.find(id="cw-fact-groups")["data-value"] == str(len(demo.list_groups()))
    assert soup.find(id="cw-demo") is not None  # the demo banner
    title = demo.pack.program.title.get("id")
    assert soup.find("h1").get_text() == title
    assert demo.pack.program.venue.get("id") in soup.find(id="cw-fact-venue").get_text()


def test_every_session_with_activities_and_every_activity_has_a_section(demo, soup):
    program = demo.pack.program
    for session in program.sessions:
        assert (soup.find("section", id=f"s-{session.id}") is not None) == bool(session.activities)
        assert session.title.get("id") in soup.find(id="cw-agenda").get_text()
    for activity in program.activities:
        assert _section(soup, activity.id).find("h3").get_text() == activity.title.get("id")
    assert soup.find(id="cw-appendix") is not None
    assert soup.find(id="cw-snapshot") is None  # the demo leaves every activity closed


def test_scale_means_match_the_store(demo, soup):
    rows = demo.answer_rows("branding-urgency")
    scores = [r["value_num"] for r in rows if r["field"] == "score"]
    table = _section(soup, "branding-urgency").find("table", class_="cw-scale-summary")
    (label, mean, _median, _std, count), = _table_rows(table)
    assert float(mean) == pytest.approx(sum(scores) / len(scores), abs=0.005)
    assert int(count) == len(scores)
    # two dimensions: now and target per criterion, and their gap
    rows = demo.answer_rows("disruptive-scoring")
    item = demo.activity("disruptive-scoring").items[0]
    now = [r["value_num"] for r in rows if r["item_id"] == item.id and r["field"] == "now"]
    table = _section(soup, "disruptive-scoring").find("table", class_="cw-scale-summary")
    first = next(r for r in _table_rows(table) if r[0] == item.label.get("id"))
    assert float(first[1]) == pytest.approx(sum(now) / len(now), abs=0.005)


def test_questions_are_listed_by_votes(demo, soup):
    questions = demo.question_rows("leader-questions")
    table = _section(soup, "leader-questions").find("table", class_="cw-questions")
    rows = _table_rows(table)
    assert [r[1] for r in rows] == [q["text"] for q in questions]
    assert [int(r[-2]) for r in rows] == [q["votes"] for q in questions]


def test_points_and_plan_tables_match_the_store(demo, soup):
    rows = demo.answer_rows("idea-votes")
    total = sum(r["value_num"] for r in rows if r["field"] == "points")
    table = _section(soup, "idea-votes").find("table", class_="cw-points")
    assert sum(int(r[3]) for r in _table_rows(table)) == total
    steps = {(r["subject"], r["item_id"]) for r in demo.answer_rows("branding-plan")}
    table = _section(soup, "branding-plan").find("table", class_="cw-steps")
    assert len(_table_rows(table)) == len(steps)


def test_plotlyjs_is_embedded_exactly_once(demo_html, soup):
    assert demo_html.count(_plotlyjs()[:2000]) == 1
    assert len(soup.find_all("script", id="cw-plotlyjs")) == 1
    charts = soup.find_all("div", class_="cw-chart")
    assert len(charts) >= 10
    assert len(soup.find_all("script")) == 1 + len(charts)  # the bundle, one per figure
    outside = demo_html.replace(soup.find("script", id="cw-plotlyjs").string, "")
    assert "cdn.plot.ly" not in outside and 'src="http' not in outside


def test_size_is_at_most_plotlyjs_plus_one_megabyte(demo_html):
    assert len(demo_html.encode("utf-8")) <= len(_plotlyjs().encode("utf-8")) + 1_000_000


def test_english_report_is_complete(demo):
    soup = BeautifulSoup(build_report(demo, "en"), "html.parser")
    assert soup.html["lang"] == "en"
    text = soup.get_text()
    for phrase in ("Agenda", "Participants", "Appendix: method and sources", "Reasons",
                   "Statistics used", "unverified"):
        assert phrase in text
    for phrase in ("Peserta", "Lampiran", "Belum ada jawaban", "Alasan", "Rata-rata"):
        assert phrase not in text, phrase


def test_appendix_lists_every_fact_source_and_marks_unverified(demo, soup):
    appendix = soup.find(id="cw-appendix")
    text = appendix.get_text()
    for fact in demo.pack.city.facts:
        assert fact.source in text
    assert len(appendix.find_all(class_="cw-unverified")) == sum(
        not f.verified for f in demo.pack.city.facts)
    for fw in demo.pack.frameworks.values():
        for source in fw.sources:
            assert source in text
    assert demo.pack.city.opds_source in text


# -- anonymity ------------------------------------------------------------------------------


def test_report_has_no_participant_name_unless_asked(demo, demo_html):
    names = [p.name for p in demo.list_participants() if p.name]
    assert names
    assert [n for n in names if n in demo_html] == []  # anonymous by default, as the projector
    assert "Kelompok 1" in demo_html
    html = build_report(demo, "id", names=True)
    assert any(n in html for n in names)  # ...named when asked
    soup = BeautifulSoup(html, "html.parser")
    assert "--names" in soup.find(id="cw-appendix").get_text()


def test_cli_report_names_only_with_names(demo, tmp_path):
    names = [p.name for p in demo.list_participants() if p.name]
    plain, named = tmp_path / "plain.html", tmp_path / "named.html"
    assert main(["report", "--db", str(demo.path), "-o", str(plain)]) == 0
    assert main(["report", "--db", str(demo.path), "-o", str(named), "--names"]) == 0
    assert not any(n in plain.read_text(encoding="utf-8") for n in names)
    assert any(n in named.read_text(encoding="utf-8") for n in names)
    with pytest.raises(SystemExit):  # one or the other
        main(["report", "--db", str(demo.path), "-o", str(named), "--names", "--anonymous"])


# -- empty, in progress, bad input ----------------------------------------------------------


def test_activity_without_answers_says_so_without_a_chart(store):
    soup = BeautifulSoup(build_report(store, "id"), "html.parser")
    for activity in store.pack.program.activities:
        note = _section(soup, activity.id).find(class_="cw-no-answers")
        assert note is not None and "Belum ada jawaban" in note.get_text()
    assert soup.find_all("div", class_="cw-chart") == []
    assert soup.find(id="cw-demo") is None
    soup_en = BeautifulSoup(build_report(store, "en"), "html.parser")
    assert "No answers" in soup_en.find(class_="cw-no-answers").get_text()


def test_open_activity_gives_a_snapshot_notice(store):
    store.open_activity("disruptive-scoring")
    soup = BeautifulSoup(build_report(store, "id"), "html.parser")
    notice = soup.find(id="cw-snapshot")
    assert notice is not None
    assert "WIB" in notice.get_text()
    assert store.activity("disruptive-scoring").title.get("id") in notice.get_text()


def _injected_store(path: Path) -> WorkshopStore:
    """A workshop where every free-text field holds markup and a script."""
    store = WorkshopStore.create(path, groups=3, seed=3)
    g1, g2, _ = store.list_groups()
    a = store.join(g1.code, INJECT[:70])
    b = store.join(g2.code, "Bima " + INJECT[:60])
    crit = store.activity("disruptive-scoring").items[0].id
    sub = lambda act, who, ans: store.submit(act, who.id, ans, require_open=False)  # noqa: E731
    sub("disruptive-scoring", a, {"scores": {crit: {"now": 2, "target": 4}},
                                  "reasons": {crit: INJECT}})
    sub("liveable-ideas", a, {"entries": [{"text": "idea " + INJECT, "item": crit}]})
    sub("presentation-feedback", a, {"about": g2.id, "entries": [
        {"text": "feedback " + INJECT, "item": "strength"}]})
    sub("branding-definition", b, {"entries": [{"text": "definisi " + INJECT, "item": None}]})
    sub("branding-urgency", b, {"scores": {"urgency": {"score": 5}},
                                "reasons": {"urgency": "reason " + INJECT}})
    idea = store.items_of("idea-votes")[0].id
    sub("idea-votes", b, {"points": {idea: 2}})
    phase = store.activity("branding-plan").items[0].id
    sub("branding-plan", a, {"steps": [{"phase": phase, "what": "what " + INJECT,
                                        "owner": store.owners()[0], "start": "2027-01",
                                        "end": "2027-06", "kpi": "kpi " + INJECT}]})
    for act in ("reflection", "closing-comments"):
        sub(act, b, {"entries": [{"text": act + " " + INJECT, "item": None}]})
    qid = store.ask("leader-questions", a.id, "question " + INJECT, require_open=False)
    store.vote(qid, b.id, require_open=False)
    for act in ("liveable-ideas", "disruptive-scoring", "leader-questions", "branding-plan"):
        store.set_synthesis(act, "synthesis " + INJECT)
    return store


@pytest.fixture(scope="module")
def injected(tmp_path_factory):
    with _injected_store(tmp_path_factory.mktemp("inject") / "w.db") as store:
        yield store


@pytest.mark.parametrize("anonymous", [False, True])
def test_markup_in_every_free_text_field_is_shown_as_text(injected, anonymous):
    html = build_report(injected, "id", names=not anonymous)
    assert "<script>window.__injected" not in html
    assert "<img src=x" not in html
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("img") is None
    scripts = soup.find_all("script")
    assert len(scripts) == 1 + len(soup.find_all("div", class_="cw-chart"))
    assert all("__injected" not in (s.string or "") or "&lt;" in s.string or "\\u003c" in s.string
               for s in scripts)
    text = soup.get_text()
    # every field is there, as text
    for prefix in ("idea ", "feedback ", "what ", "kpi ", "question ", "synthesis ",
                   "reason ", "reflection ", "closing-comments "):
        assert prefix + "<script>window.__injected=1</script>" in text, prefix
    assert ("Bima " in text) != anonymous


def test_html_parser_sees_no_unexpected_tags(injected):
    class Tags(HTMLParser):
        def __init__(self):
            super().__init__()
            self.bad: list[str] = []

        def handle_starttag(self, tag, attrs):
            if tag in ("img", "iframe", "object", "embed", "svg"):
                self.bad.append(tag)

    parser = Tags()
    parser.feed(build_report(injected, "en", names=True))
    assert parser.bad == []


# -- writing: API, CLI, widget --------------------------------------------------------------


def test_write_report_refuses_a_missing_folder(demo, tmp_path):
    with pytest.raises(ReportError) as err:
        write_report(demo, tmp_path / "missing" / "r.html")
    assert "missing" in err.value.message("en")


def test_cli_report_writes_html(demo, tmp_path, capsys):
    out = tmp_path / "r.html"
    assert main(["report", "--db", str(demo.path), "-o", str(out), "--lang", "en",
                 "--anonymous"]) == 0
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert str(out) in capsys.readouterr().out


def test_cli_report_unwritable_path_is_one_line_exit_2(demo, tmp_path, capsys):
    code = main(["report", "--db", str(demo.path), "-o", str(tmp_path / "nope" / "r.html")])
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1 and "nope" in err


def test_cli_pdf_without_chromium_is_one_line_exit_2(demo, tmp_path, capsys, monkeypatch):
    import cityworkshop.report.pdf as pdf

    monkeypatch.setattr(pdf, "find_chromium", lambda: None)
    code = main(["report", "--db", str(demo.path), "-o", str(tmp_path / "r.html"), "--pdf"])
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1 and "Chromium" in err
    assert (tmp_path / "r.html").is_file()


def test_report_button_writes_beside_the_database(tmp_path):
    from cityworkshop.report.widget import ReportButton

    with WorkshopStore.create(tmp_path / "w.db", groups=2, seed=1) as store:
        button = ReportButton(store, "en")
        assert button.button.description == "Make the report"
        button.button.click()
        assert (tmp_path / "report.html").is_file()
        assert "report.html" in button.message.value


def test_report_button_shows_errors(tmp_path, monkeypatch):
    import cityworkshop.report as report
    from cityworkshop.report.widget import ReportButton

    def fail(*a, **k):
        raise ReportError(key="report.cannot_write", path="x", reason="read-only")

    monkeypatch.setattr(report, "write_report", fail)
    with WorkshopStore.create(tmp_path / "w.db", groups=2, seed=1) as store:
        button = ReportButton(store, "id")
        assert button.button.description == "Buat laporan"
        button.button.click()
        assert "read-only" in button.message.value and button.path is None
        assert not button.button.disabled


# -- in a real browser ----------------------------------------------------------------------

_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.mark.browser
@needs_chromium
def test_report_opens_offline_in_chromium(injected, demo, tmp_path):
    from playwright.sync_api import sync_playwright

    files = {"demo": write_report(demo, tmp_path / "demo.html"),
             "inject": write_report(injected, tmp_path / "inject.html", "en", names=True)}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=_ARGS)
        try:
            for name, path in files.items():
                page = browser.new_page(viewport={"width": 1280, "height": 900})
                errors: list[str] = []
                requests: list[str] = []
                page.on("console", lambda m, errors=errors: errors.append(m.text)
                        if m.type == "error" else None)
                page.on("pageerror", lambda e, errors=errors: errors.append(str(e)))
                page.on("request", lambda r, requests=requests: requests.append(r.url))
                page.goto(path.resolve().as_uri())
                page.wait_for_selector(".cw-chart .main-svg")
                assert errors == [], name
                assert [u for u in requests if not u.startswith(("data:", "blob:"))] == [
                    path.resolve().as_uri()]
                assert page.evaluate("typeof window.__injected") == "undefined"
                n_charts = page.locator(".cw-chart").count()
                assert page.locator(".cw-chart .main-svg").count() >= n_charts
                page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)
                assert (tmp_path / f"{name}.png").stat().st_size > 10_000
                page.close()
        finally:
            browser.close()


@pytest.mark.browser
@needs_chromium
def test_pdf_through_headless_chromium(demo, tmp_path):
    html = write_report(demo, tmp_path / "r.html")
    pdf = write_pdf(html, tmp_path / "r.pdf", timeout=180)
    data = pdf.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 50_000
