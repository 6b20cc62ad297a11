"""Hostile stored text against the export (XLSX, CSV folder) and the HTML report.

A database written by an older version may hold anything the store no longer accepts: control
characters, formulas, markup, 1 MB texts. Each hostile string is written straight into one demo
workshop with sqlite3 (bypassing the store's normalisation), as a participant's name, that
participant's answer, an idea (which becomes an item to vote on), a scoring reason, a plan step
and a question. Then ``cityworkshop export`` (XLSX and CSV) and ``cityworkshop report`` run once,
and every string is checked in every output: the command succeeded, the text is a string cell
(never a formula), a formula-like CSV cell starts with ``'``, numbers stay numbers, the report
shows the text escaped. Plus: a write that fails midway leaves no file, and leaves an earlier
file at that path byte for byte as it was.
"""

from __future__ import annotations

import csv
import errno
import html
import os
import re
import sqlite3
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
import pandas as pd
import pytest
from bs4 import BeautifulSoup

from cityworkshop.cli import main
from cityworkshop.demo import make_demo
from cityworkshop.report import ReportError, export, write_pdf, write_report
from cityworkshop.store import WorkshopStore

XLSX_LIMIT = 32_767  # Excel's characters per cell (UTF-16 code units)
PAYLOAD = "<script>window.__pwned=1</script>"

_CONTROLS = [0x00, 0x07, 0x08, 0x0B, 0x0C, 0x0D, 0x1B, 0x1F, 0x7F, 0x85, 0x9B]
HOSTILE: list[str] = [
    *(f"ctl-{c:02x} a{chr(c)}b" for c in _CONTROLS),
    "all controls:" + "".join(chr(c) for c in [*range(0x20), *range(0x7F, 0xA0)]) + ":end",
    "Ide\x00 baru\r\nkedua\x1b[31m merah",
    "=1+1",
    '=HYPERLINK("http://x","y")',
    "+1",
    "-1+2",
    "@SUM(A1)",
    "\t=1",
    "\r=1",
    "=cmd|' /C calc'!A0",
    " =1+1 (leading space)",
    "\x00=2+3",  # a formula once the NUL is gone
    "-",
    PAYLOAD,
    '<img src=x onerror="window.__pwned=2">',
    "</td></tr></table><b>bold</b>",
    "]]><!-- & &amp; &#0; &lt;",
    "{{ 7*7 }} {% raw %} ${x}",
    "%s %d %(name)s {0} {name}",
    "\u202eAyu (RTL override)",
    "مرحبا \u200f بالعالم",
    "Sukses 🎉👍🏽",
    "Keluarga 👩\u200d👩\u200d👧\u200d👦 dan 👨🏽\u200d💻",
    "\ufeffawal BOM",
    "bukan karakter x\uffff\ufffey",
    "baris\u2028pemisah\u2029paragraf",
    "baris 1\nbaris 2\n\tmenjorok",
    "Panjang " + "x" * 1_000_000,
    "🎉" * 20_000,  # 40,000 UTF-16 units: cut in XLSX without splitting a pair
]
GROUP_NAMES = ["=1+1 Kelompok", "+62 Kelompok", "-Kelompok 3", "@Kelompok 4",
               '=HYPERLINK("http://x","Kelompok 5")']
NEGATIVE = -1.5


def expected_text(s: str) -> str:
    """What the outputs must carry: CR/CRLF as newline, no control character (Unicode category
    Cc) but tab and newline, no non-character U+FFFE/U+FFFF."""
    s = s.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(c for c in s if c not in "\ufffe\uffff"
                   and (unicodedata.category(c) != "Cc" or c in "\t\n"))


def expected_name(s: str) -> str:
    """A name: :func:`expected_text` without bidi embeddings, overrides and isolates."""
    return re.sub("[\u202a-\u202e\u2066-\u2069]", "", expected_text(s))


def formula_like(s: str) -> bool:
    return s[:1] in ("=", "+", "-", "@", "\t", "\r") or s.lstrip()[:1] in ("=", "+", "-", "@")


def csv_cell(s: str) -> str:
    return "'" + s if formula_like(s) else s


def utf16(s: str) -> int:
    return len(s.encode("utf-16-le")) // 2


def assert_xlsx_text(value: Any, want: str) -> None:
    """The cell holds ``want``, or (beyond Excel's limit) its start followed by "…"."""
    assert isinstance(value, str)
    if utf16(want) <= XLSX_LIMIT:
        assert value == want
    else:
        assert utf16(value) <= XLSX_LIMIT and value.endswith("…")
        assert want.startswith(value[:-1]) and len(value) > 1000


@dataclass(frozen=True)
class XCell:
    value: Any
    data_type: str
    quote: bool


@dataclass
class Outputs:
    folder: Path
    db: Path
    xlsx: Path
    csv_dir: Path
    report: Path
    people: list[str] = field(default_factory=list)  # participant id of HOSTILE[i]
    placements: dict[int, list[tuple[str, int, str, str]]] = field(default_factory=dict)
    questions: dict[int, int] = field(default_factory=dict)  # HOSTILE index -> question id
    negative: tuple[int, str, str] = (0, "", "")
    sheets: dict[str, list[dict[str, XCell]]] = field(default_factory=dict)
    csvs: dict[str, list[dict[str, str]]] = field(default_factory=dict)
    page: str = ""


def _key(r: dict[str, Any]) -> tuple[int, str, str]:
    return (r["submission_id"], r["item_id"], r["field"])


def _read_xlsx(path: Path) -> dict[str, list[dict[str, XCell]]]:
    book = openpyxl.load_workbook(path, read_only=True)
    try:
        sheets = {}
        for ws in book.worksheets:
            rows = ws.iter_rows()
            header = [c.value for c in next(rows)]
            sheets[ws.title] = [
                {h: XCell(c.value, c.data_type,
                          bool(getattr(c, "style_array", None) and c.style_array.quotePrefix))
                 for h, c in zip(header, row, strict=False)}
                for row in rows]
        return sheets
    finally:
        book.close()


def _by_ids(db: Path, sheets: dict[str, list[dict[str, XCell]]]
           ) -> dict[str, list[dict[str, XCell]]]:
    """The workbook's sheets and columns (named in Indonesian) by their stable ids."""
    from cityworkshop.report.export import QUESTION_COLUMNS, REVISION_COLUMNS, header, sheet_names

    with WorkshopStore(db) as store:
        by_title = {title: key for key, title in sheet_names(store, "id").items()}
        tz = store.pack.city.timezone_label
    heads = {header(c, "id", tz): c for c in (*REVISION_COLUMNS, *QUESTION_COLUMNS)}
    return {by_title.get(name, name): [{heads.get(h, h): c for h, c in r.items()} for r in rows]
            for name, rows in sheets.items()}


def _read_csvs(folder: Path) -> dict[str, list[dict[str, str]]]:
    csv.field_size_limit(4_000_000)  # the 1 MB text stays whole in CSV
    out = {}
    for p in folder.glob("*.csv"):
        assert p.read_bytes()[:3] == b"\xef\xbb\xbf"  # UTF-8 with BOM, for Excel
        with p.open(encoding="utf-8-sig", newline="") as f:
            out[p.stem] = list(csv.DictReader(f))
    return out


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Outputs:
    folder = tmp_path_factory.mktemp("hostile")
    out = Outputs(folder=folder, db=folder / "h.db", xlsx=folder / "hasil.xlsx",
                  csv_dir=folder / "csv", report=folder / "laporan.html")
    make_demo(out.db).close()
    with WorkshopStore(out.db) as store:
        people = [p.id for p in store.list_participants()]
        definitions = {r["participant_id"]: _key(r)
                       for r in store.answer_rows("branding-definition") if r["field"] == "text"}
        ideas = [_key(r) for r in store.answer_rows("liveable-ideas") if r["field"] == "text"]
        reasons = [_key(r) for r in store.answer_rows("disruptive-scoring")
                   if r["field"] == "reason"]
        steps = [_key(r) for r in store.answer_rows("branding-plan") if r["field"] == "what"]
        kpis = [_key(r) for r in store.answer_rows("branding-plan") if r["field"] == "kpi"]
        questions = [q["question_id"] for q in store.question_rows("leader-questions")]
        scored = next(_key(r) for r in store.answer_rows("disruptive-scoring")
                      if r["value_num"] is not None)
        groups = [g.id for g in store.list_groups()]
    assert len(people) >= len(HOSTILE) and len(groups) == len(GROUP_NAMES)
    con = sqlite3.connect(out.db)
    with con:
        for i, s in enumerate(HOSTILE):
            pid = people[i]
            out.people.append(pid)
            con.execute("UPDATE participants SET name = ? WHERE id = ?", (s, pid))
            places = [("branding-definition", *definitions[pid])]
            for activity, keys in (("liveable-ideas", ideas), ("disruptive-scoring", reasons),
                                   ("branding-plan", steps), ("branding-plan", kpis)):
                if i < len(keys):
                    places.append((activity, *keys[i]))
            for _, sid, item, fld in places:
                cur = con.execute("UPDATE answers SET value_text = ? WHERE submission_id = ? "
                                  "AND item_id = ? AND field = ?", (s, sid, item, fld))
                assert cur.rowcount == 1
            out.placements[i] = places
            if i < len(questions):
                con.execute("UPDATE questions SET text = ? WHERE id = ?", (s, questions[i]))
                out.questions[i] = questions[i]
        for gid, name in zip(groups, GROUP_NAMES, strict=True):
            con.execute("UPDATE groups SET name = ? WHERE id = ?", (name, gid))
        con.execute("UPDATE answers SET value_num = ? WHERE submission_id = ? AND item_id = ? "
                    "AND field = ?", (NEGATIVE, *scored))
        out.negative = scored
    con.close()
    db = str(out.db)
    # with --names: the hostile names must be neutralised too, not only left out
    assert main(["export", "--db", db, "-o", str(out.xlsx), "--names"]) == 0
    assert main(["export", "--db", db, "-o", f"{out.csv_dir}/", "--names"]) == 0
    assert main(["report", "--db", db, "-o", str(out.report), "--names"]) == 0
    out.sheets = _by_ids(out.db, _read_xlsx(out.xlsx))
    out.csvs = _read_csvs(out.csv_dir)
    out.page = out.report.read_text(encoding="utf-8")
    return out


def _row(rows: list[dict[str, Any]], sid: int, item: str, fld: str) -> dict[str, Any]:
    def val(x: Any) -> Any:
        return x.value if isinstance(x, XCell) else x

    found = [r for r in rows if str(val(r["submission_id"])) == str(sid)
             and val(r["item_id"]) == item and val(r["field"]) == fld]
    assert len(found) == 1, (sid, item, fld)
    return found[0]


CASES = pytest.mark.parametrize("index", range(len(HOSTILE)),
                                ids=[f"{i:02d}-{ascii(s[:12])[1:-1][:32]}"
                                     for i, s in enumerate(HOSTILE)])


def test_the_list_is_hostile_enough():
    assert len(HOSTILE) >= 25 and len(set(HOSTILE)) == len(HOSTILE)


def test_outputs_written_and_no_temporary_file_left(hostile):
    assert hostile.xlsx.stat().st_size > 0 and hostile.report.stat().st_size > 0
    assert "Keterangan" in hostile.csvs and "branding-definition" in hostile.csvs
    assert not [p.name for p in hostile.folder.iterdir() if p.name.startswith(".")]
    assert not [p.name for p in hostile.csv_dir.iterdir() if not p.name.endswith(".csv")]


@CASES
def test_xlsx_holds_the_text_as_a_string_cell(hostile, index):
    s = HOSTILE[index]
    text, name = expected_text(s), expected_name(s)
    for activity, sid, item, fld in hostile.placements[index]:
        cell = _row(hostile.sheets[activity], sid, item, fld)["value_text"]
        assert cell.data_type == "s", (activity, fld)
        assert_xlsx_text(cell.value, text)
        # a formula-like text is also marked "typed with a leading '", so editing keeps it text
        assert cell.quote == formula_like(cell.value)
    own = [r for r in hostile.sheets["branding-definition"]
           if r["participant_id"].value == hostile.people[index]]
    assert own
    for r in own:
        assert r["participant"].data_type == "s"
        assert_xlsx_text(r["participant"].value, name)
    if index in hostile.questions:
        q = next(r for r in hostile.sheets["leader-questions"]
                 if r["question_id"].value == hostile.questions[index])
        assert q["text"].data_type == "s"
        assert_xlsx_text(q["text"].value, text)
    # wherever else the text landed (item labels of the votes, revisions), a string cell too
    heads = {text[:200], name[:200]}
    holding = [c for rows in hostile.sheets.values() for r in rows for c in r.values()
               if isinstance(c.value, str) and c.value[:200] in heads]
    assert len(holding) >= 3
    assert {c.data_type for c in holding} == {"s"}


@CASES
def test_csv_cell_is_text_with_a_quote_before_a_formula(hostile, index):
    s = HOSTILE[index]
    text, name = expected_text(s), expected_name(s)
    for activity, sid, item, fld in hostile.placements[index]:
        row = _row(hostile.csvs[activity], sid, item, fld)
        assert row["value_text"] == csv_cell(text), (activity, fld)
    own = [r for r in hostile.csvs["Semua revisi"] if r["participant_id"] == hostile.people[index]]
    assert own and {r["participant"] for r in own} == {csv_cell(name)}
    if index in hostile.questions:
        q = next(r for r in hostile.csvs["leader-questions"]
                 if r["question_id"] == str(hostile.questions[index]))
        assert q["text"] == csv_cell(text)


@CASES
def test_report_shows_the_text_escaped(hostile, index):
    s, page = HOSTILE[index], hostile.page
    text, name = expected_text(s), expected_name(s)
    assert html.escape(text) in page
    assert html.escape(name) in page  # the person column of "branding-definition"
    if "<" in text:
        assert text not in page


def test_report_carries_no_markup_or_control_character_from_the_input(hostile):
    page = hostile.page
    assert "cw-section-failed" not in page  # every activity's results were drawn
    soup = BeautifulSoup(page, "html.parser")
    for script in soup.find_all("script"):
        body = script.string or ""
        assert script.get("id") == "cw-plotlyjs" or body.lstrip().startswith(
            "window.PLOTLYENV"), body[:200]
        assert "<script" not in body and "window.__pwned=1<" not in body
    assert not soup.find_all(attrs={"onerror": True})
    assert not soup.find_all("img")
    assert PAYLOAD not in page and html.escape(PAYLOAD) in page
    # outside plotly.js itself (whose string literals hold a few raw control bytes)
    start = page.index('id="cw-plotlyjs">')
    ours = page[:start] + page[page.index("</script>", start):]
    assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\ufffe\uffff]", ours)


def test_no_formula_anywhere_and_numbers_stay_numbers(hostile):
    sheets = hostile.sheets
    assert not [(name, c.value) for name, rows in sheets.items() for r in rows
                for c in r.values() if c.data_type == "f"]
    numeric = ("submission_id", "group_id", "value_num", "question_id", "votes")
    seen = set()
    for name, rows in sheets.items():
        for r in rows:
            for col in numeric:
                c = r.get(col)
                if c is not None and c.value is not None:
                    assert c.data_type == "n" and isinstance(c.value, int | float), (name, col)
                    seen.add(col)
            if r.get("is_current") is not None:
                assert r["is_current"].data_type == "b"
    assert seen == set(numeric)
    # a negative number is a number: numeric in XLSX, no quote in CSV
    sid, item, fld = hostile.negative
    cell = _row(sheets["disruptive-scoring"], sid, item, fld)["value_num"]
    assert cell.data_type == "n" and cell.value == NEGATIVE
    assert _row(hostile.csvs["disruptive-scoring"], sid, item, fld)["value_num"] == "-1.5"
    assert pd.read_csv(hostile.csv_dir / "disruptive-scoring.csv")["value_num"].dtype.kind == "f"


def test_group_names_are_inert_everywhere(hostile):
    for name, rows in hostile.sheets.items():
        for r in rows:
            for col in ("group", "about_group"):
                c = r.get(col)
                if c is not None and c.value is not None:
                    assert c.value in GROUP_NAMES and c.data_type == "s" and c.quote, name
    groups = {r["group"] for r in hostile.csvs["disruptive-scoring"]}
    assert groups and groups <= {"'" + g for g in GROUP_NAMES}
    assert html.escape(GROUP_NAMES[4]) in hostile.page


def test_garbage_in_structured_fields_does_not_break_the_report(tmp_path):
    """Months, owners, phases that no form would send: the report still shows every activity."""
    db = tmp_path / "g.db"
    make_demo(db).close()
    con = sqlite3.connect(db)
    with con:
        for fld in ("start", "end", "phase", "owner"):
            con.execute("UPDATE answers SET value_text = ? WHERE rowid IN (SELECT rowid FROM "
                        "answers WHERE field = ? LIMIT 3)", ("=1+1\x00", fld))
        con.execute("UPDATE answers SET value_text = '' WHERE field = 'item'")
    con.close()
    assert main(["report", "--db", str(db), "-o", str(tmp_path / "r.html")]) == 0
    page = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "cw-section-failed" not in page and "\x00" not in page
    assert main(["export", "--db", str(db), "-o", str(tmp_path / "r.xlsx")]) == 0


def test_one_activity_that_cannot_be_drawn_never_costs_the_report(hostile, monkeypatch):
    from cityworkshop.report import build_report
    from cityworkshop.report.kinds import SECTIONS

    def broken(*_args: Any) -> str:
        raise RuntimeError("cannot draw\nsecond line")

    monkeypatch.setitem(SECTIONS, "matrix", broken)
    with WorkshopStore(hostile.db) as store:
        page = build_report(store, "en")
    soup = BeautifulSoup(page, "html.parser")
    failed = soup.select(".cw-section-failed")
    assert len(failed) == 1 and "RuntimeError: cannot draw" in failed[0].get_text()
    assert failed[0].find_parent("section")["id"] == "a-branding-initiatives"
    assert soup.select_one("#a-branding-plan table.cw-steps") is not None  # the rest is there


# -- a failure never leaves a partial file ------------------------------------------------------


@pytest.fixture
def small(tmp_path):
    with WorkshopStore.create(tmp_path / "w.db", groups=2, seed=7) as s:
        yield s


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()} | {
        p.name + "/": b"" for p in folder.iterdir() if p.is_dir()}


def _no_space(*_args: Any) -> OSError:
    return OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


def _half_then_fail(target: Any, data: bytes) -> None:
    """Write half of ``data`` to a file name or open file, then fail as a full disk does."""
    if hasattr(target, "write"):
        target.write(data[: len(data) // 2])
        target.flush()
    else:
        with open(target, "wb") as f:
            f.write(data[: len(data) // 2])
    raise _no_space()


def test_failed_xlsx_export_leaves_the_earlier_file_as_it_was(small, tmp_path, monkeypatch):
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    target = out_dir / "hasil.xlsx"
    export(small, target)
    before = _snapshot(out_dir)
    monkeypatch.setattr(openpyxl.Workbook, "save",
                        lambda self, f: _half_then_fail(f, b"PK\x03\x04" + b"x" * 4000))
    with pytest.raises(ReportError) as err:
        export(small, target)
    assert "hasil.xlsx" in str(err.value) and len(str(err.value).splitlines()) == 1
    assert _snapshot(out_dir) == before  # byte-identical, and no temporary file left
    with pytest.raises(ReportError):
        export(small, out_dir / "baru.xlsx")
    assert _snapshot(out_dir) == before  # no file at the new target either


def test_failed_export_of_any_kind_is_one_line_exit_2(small, tmp_path, monkeypatch, capsys):
    target = tmp_path / "hasil.xlsx"
    assert main(["export", "--db", str(small.path), "-o", str(target)]) == 0
    before = target.read_bytes()

    def broken(self, f):
        raise ValueError("writer broke\nsecond line")

    monkeypatch.setattr(openpyxl.Workbook, "save", broken)
    capsys.readouterr()
    assert main(["export", "--db", str(small.path), "-o", str(target)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "hasil.xlsx" in err and "ValueError" in err
    assert target.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_failed_csv_export_leaves_the_earlier_files_as_they_were(small, tmp_path, monkeypatch):
    folder = tmp_path / "csv"
    export(small, f"{folder}/")
    before = _snapshot(folder)
    assert len(before) > 3
    real = pd.DataFrame.to_csv
    calls = []

    def flaky(self, path=None, *args, **kwargs):
        calls.append(path)
        if len(calls) == 4:  # three sheets written, the fourth breaks halfway
            _half_then_fail(path, real(self, None, *args, **kwargs).encode())
        return real(self, path, *args, **kwargs)

    monkeypatch.setattr(pd.DataFrame, "to_csv", flaky)
    with pytest.raises(ReportError):
        export(small, f"{folder}/")
    assert len(calls) == 4
    assert _snapshot(folder) == before  # every earlier CSV as it was, no temporary folder left
    calls.clear()
    fresh = tmp_path / "fresh"
    with pytest.raises(ReportError):
        export(small, f"{fresh}/")
    assert not fresh.exists()


def test_failed_report_leaves_the_earlier_report_as_it_was(small, tmp_path, monkeypatch, capsys):
    target = tmp_path / "laporan.html"
    write_report(small, target)
    before = _snapshot(tmp_path)

    def half(self, data, *args, **kwargs):
        _half_then_fail(str(self), data.encode())

    monkeypatch.setattr(Path, "write_text", half)
    with pytest.raises(ReportError):
        write_report(small, target)
    assert _snapshot(tmp_path) == before
    capsys.readouterr()
    assert main(["report", "--db", str(small.path), "-o", str(target)]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
    assert _snapshot(tmp_path) == before
    assert main(["report", "--db", str(small.path), "-o", str(tmp_path / "baru.html")]) == 2
    assert _snapshot(tmp_path) == before


def test_failed_pdf_leaves_the_earlier_pdf_as_it_was(small, tmp_path, monkeypatch):
    html_path = write_report(small, tmp_path / "r.html")
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(b"%PDF-1.4 earlier")
    fake = tmp_path / "fake-chromium"
    fake.write_text('#!/bin/sh\nfor a in "$@"; do case "$a" in --print-to-pdf=*) '
                    'out="${a#--print-to-pdf=}";; esac; done\n'
                    'printf "%%PDF-1.4 half" > "$out"\nexit "${FAKE_CODE:-1}"\n')
    fake.chmod(0o755)
    before = _snapshot(tmp_path)
    with pytest.raises(ReportError):
        write_pdf(html_path, pdf, chromium=str(fake), timeout=30)
    assert _snapshot(tmp_path) == before
    monkeypatch.setenv("FAKE_CODE", "0")
    write_pdf(html_path, pdf, chromium=str(fake), timeout=30)
    assert pdf.read_bytes() == b"%PDF-1.4 half"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_written_files_get_the_usual_permissions(small, tmp_path):
    mask = os.umask(0)
    os.umask(mask)
    out = export(small, tmp_path / "hasil.xlsx")
    assert stat.S_IMODE(out.stat().st_mode) == 0o666 & ~mask
    report = write_report(small, tmp_path / "laporan.html")
    assert stat.S_IMODE(report.stat().st_mode) == 0o666 & ~mask
