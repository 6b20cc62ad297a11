"""Hostile input, end to end (issue 7): one data-driven test runs every input through the store
(as a name, an idea, a question, a plan step and a synthesis), the facilitator's wall and
charts, the report and both exports; one more opens a report of all of them in Chromium.

What must hold for each input: the store either refuses it with a catalogue message in both
languages, or keeps it normalised (NFC, no C0/C1 control characters but newline and tab); no
screen, report or export fails; participant text is never live HTML in a page nor a live
formula in a spreadsheet; numbers stay numbers.
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import unicodedata
from pathlib import Path
from typing import Any

import ipywidgets as widgets
import pytest

from cityworkshop.answers import normalize_name, normalize_text
from cityworkshop.errors import InvalidAnswer
from cityworkshop.facilitator import LiveResults
from cityworkshop.report import build_report, export, write_report
from cityworkshop.store import WorkshopStore

CHROMIUM = "/usr/bin/chromium"
IDEAS, VOTES, PLAN, QUESTIONS, DEFINITION = ("liveable-ideas", "idea-votes", "branding-plan",
                                             "leader-questions", "branding-definition")
BIG = "Tangsel " * 131_072  # 1 MiB
HOSTILE = [
    "=1+1", "=HYPERLINK(\"http://example.invalid\",\"klik\")", "+62 21 555", "-1+2", "@SUM(A1:A9)",
    "\t=1+1", "\r=1+1", "=cmd|' /C calc'!A0", "'=quoted", "==", "-", "+", "@",
    "Ide\x00baru", "bel\x07", "esc\x1b[31mmerah", "back\x08space", "vt\x0bff\x0c", "c1\x85\x9b",
    "\x00\x01\x02", "del\x7f", "baris\r\nbaru", "tab\tdi tengah",
    "<script>window.__injected=1</script>", "<img src=x onerror=\"window.__injected=2\">",
    "</td></tr></table><h1>x</h1>", "\"'><svg onload=alert(1)>", "{{7*7}} ${7*7} %s %(x)s",
    "javascript:alert(1)", "\u202eevil\u202c", "\u200f\u05e9\u05dc\u05d5\u05dd", "مرحبا بالعالم",
    "😀🏙️👩🏽‍💼🇮🇩", "e\u0301 vs \u00e9", "\ufeffBOM", "\u2028line\u2029para",
    "ZW\u200bJ\u200d", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢", "   ", "", "x" * 301, BIG, "a\n" * 200,
    "Robert'); DROP TABLE answers;--", "NULL", "None", "-0", "1e309", "0x41",
]
IDS = [f"h{n:02d}" for n in range(len(HOSTILE))]
REFUSALS = {"answer.text_empty", "answer.text_too_long", "answer.plan_missing"}


def _all_html(w: Any) -> str:
    """Every HTML string a widget tree shows (values of HTML widgets, recursively)."""
    out = []
    if isinstance(w, widgets.HTML | widgets.HTMLMath):
        out.append(w.value)
    for child in getattr(w, "children", ()) or ():
        out.append(_all_html(child))
    return "\n".join(out)


def _clean(value: str) -> bool:
    """No C0/C1 control character but newline and tab, and NFC."""
    return (not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f]", value)
            and unicodedata.normalize("NFC", value) == value)


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("hostile") / "template.db"
    WorkshopStore.create(path, groups=3, seed=3).close()
    return path


def _store(template: Path, folder: Path) -> WorkshopStore:
    path = folder / "w.db"
    shutil.copy(template, path)
    return WorkshopStore(path)


def _try(call, *args, **kw) -> tuple[Any, InvalidAnswer | None]:
    try:
        return call(*args, **kw), None
    except InvalidAnswer as err:
        return None, err


def _fill(store: WorkshopStore, text: str) -> dict[str, Any]:
    """Put ``text`` everywhere a participant or facilitator can type; return what was kept."""
    g1, g2 = store.list_groups()[:2]
    kept: dict[str, Any] = {}
    author, err = _try(store.join, g1.code, text, device="dev-author-1")
    if err is not None:
        assert err.key == "join.name_too_long", err.key
        author = store.join(g1.code, "Penulis", device="dev-author-1")
    else:
        kept["name"] = author.name
        assert author.name == (normalize_name(text) or None)
    voter = store.join(g2.code, "Pemilih", device="dev-voter-1")
    owner = store.owners()[0]
    for activity in (IDEAS, DEFINITION, PLAN):
        store.open_activity(activity)
        sub, err = _try(store.submit, activity, author.id, _answer(activity, text, owner))
        if err is not None:  # refused, and said in both languages
            assert err.key in REFUSALS, err.key
            assert err.message("id") != err.message("en")
            store.submit(activity, author.id, _answer(activity, "pengganti", owner))
        else:
            kept[activity] = sub.answer
    store.open_activity(VOTES)
    ideas = store.items_of(VOTES)
    store.submit(VOTES, voter.id, {"points": {ideas[0].id: 3, ideas[-1].id: 2}})
    store.open_activity(QUESTIONS)
    qid, err = _try(store.ask, QUESTIONS, author.id, text)
    if qid is None:
        assert err.key in REFUSALS
        qid = store.ask(QUESTIONS, author.id, "Pertanyaan pengganti")
    store.vote(qid, voter.id)
    store.set_synthesis(IDEAS, text)
    store.pin(IDEAS, f"g:{g1.id}#e00")
    return kept


def _answer(activity: str, text: str, owner: str) -> dict[str, Any]:
    if activity == PLAN:
        return {"steps": [{"phase": "goals", "what": text, "owner": owner, "start": "2027-01",
                           "end": "2027-02", "kpi": text}]}
    entries = [{"text": text}]
    if activity == IDEAS:
        entries = [{"text": text, "item": "mobility"}, {"text": "Ide biasa", "item": "mobility"}]
    return {"entries": entries}


@pytest.mark.slow
@pytest.mark.parametrize("text", HOSTILE, ids=IDS)
def test_hostile_text_through_store_screens_report_and_exports(text, template, tmp_path):
    from openpyxl import load_workbook

    with _store(template, tmp_path) as store:
        kept = _fill(store, text)
        # -- the store keeps only normalised text -------------------------------------------
        for sub in (kept.get(IDEAS), kept.get(DEFINITION)):
            if sub:
                assert sub["entries"][0]["text"] == normalize_text(text).strip()
        for rows in (store.answer_rows(a, history=True) for a in (IDEAS, DEFINITION, PLAN)):
            assert all(_clean(r["value_text"]) for r in rows if r["value_text"])
        assert all(_clean(p.name) for p in store.list_participants() if p.name)
        assert all(_clean(q["text"]) for q in store.question_rows(QUESTIONS))
        # -- the facilitator's wall and charts ---------------------------------------------
        for activity in (IDEAS, VOTES, PLAN, QUESTIONS, DEFINITION):
            live = LiveResults(store, activity, "id")
            assert live.message.value == "", (activity, live.message.value)
            shown = _all_html(live)
            assert "<script>window.__injected" not in shown
            assert "<img src=x" not in shown and "<svg onload" not in shown
            for fig in live.figures.values():
                dumped = fig.to_json()
                assert "<script>" not in dumped and "<img src=x" not in dumped
        # -- the report ---------------------------------------------------------------------
        html = build_report(store, "id", names=True)
        assert "<script>window.__injected" not in html
        assert "<img src=x onerror" not in html
        # -- both exports -------------------------------------------------------------------
        xlsx = export(store, tmp_path / "hasil.xlsx", names=True)
        book = load_workbook(xlsx)
        for sheet in book.worksheets:
            for row in sheet.iter_rows():
                for cell in row:
                    assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                    if isinstance(cell.value, str) and cell.value[:1] in "=+-@":
                        assert cell.data_type == "s"
        folder = export(store, str(tmp_path / "csv") + "/", names=True)
        for path in Path(folder).glob("*.csv"):
            with path.open(encoding="utf-8-sig", newline="") as f:
                sample = f.read(4096)
                f.seek(0)
                dialect = csv.Sniffer().sniff(sample, delimiters=",;")
                for row in csv.reader(f, dialect):
                    for cell in row:
                        assert cell[:1] not in ("=", "+", "@", "\t", "\r"), (path.name, cell)
                        if cell[:1] == "-":
                            float(cell)  # a leading minus only on a number


@pytest.mark.browser
@pytest.mark.skipif(not os.access(CHROMIUM, os.X_OK), reason="needs Debian's chromium")
def test_a_report_of_every_hostile_input_opens_cleanly_in_chromium(template, tmp_path):
    from playwright.sync_api import sync_playwright

    with _store(template, tmp_path) as store:
        g = store.list_groups()
        store.open_activity(DEFINITION)  # participant scope: every input stays
        for n, text in enumerate(HOSTILE):
            who, err = _try(store.join, g[n % 3].code, text, device=f"dev-hostile-{n:03d}")
            if err is not None:
                who = store.join(g[n % 3].code, f"Peserta {n}", device=f"dev-hostile-{n:03d}")
            _try(store.submit, DEFINITION, who.id, {"entries": [{"text": text}]})
        report = write_report(store, tmp_path / "laporan.html", "en")
    dialogs: list[str] = []
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run"])
        try:
            page = browser.new_page()
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(report.resolve().as_uri())
            page.wait_for_selector(".cw-chart .main-svg")
            assert page.evaluate("typeof window.__injected") == "undefined"
            body = page.evaluate("document.body.textContent")  # hidden details too
        finally:
            browser.close()
    assert dialogs == [] and errors == []
    assert "<script>window.__injected=1</script>" in body  # shown as text, not run
    assert "😀🏙️👩🏽‍💼🇮🇩" in body


def test_the_facilitators_synthesis_is_normalised_too(template, tmp_path):
    with _store(template, tmp_path) as store:
        store.set_synthesis(IDEAS, " Sintesis\x00 ruang\r\nkedua\x1b ")
        assert store.synthesis(IDEAS) == "Sintesis ruang\nkedua"


def test_text_is_stored_in_nfc(template, tmp_path):
    with _store(template, tmp_path) as store:
        g = store.list_groups()[0]
        me = store.join(g.code, "Rene\u0301", device="dev-nfc-00001")
        assert me.name == "Ren\u00e9"
        store.open_activity(DEFINITION)
        sub = store.submit(DEFINITION, me.id, {"entries": [{"text": "cafe\u0301"}]})
        assert sub.answer["entries"][0]["text"] == "caf\u00e9"
