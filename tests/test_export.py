"""Exports: XLSX read back with pandas against the store, CSV folder, anonymity, sheet names,
and a path that cannot be written (one line, exit 2). The office's workbook (issue 11): sheet
names and headers in the chosen language, sized columns, a frozen header row; CSV with a BOM and
a chosen separator; names only with ``names=True`` / ``--names``."""

from __future__ import annotations

import openpyxl
import pandas as pd
import pytest
from openpyxl.utils import get_column_letter

from cityworkshop.cli import main
from cityworkshop.demo import make_demo
from cityworkshop.i18n import t
from cityworkshop.report import ReportError, export
from cityworkshop.report.export import (
    ANSWER_COLUMNS,
    MAX_WIDTH,
    QUESTION_COLUMNS,
    REVISION_COLUMNS,
    header,
    sheet_names,
)

ALL_COLUMNS = list(dict.fromkeys((*REVISION_COLUMNS, *QUESTION_COLUMNS)))


def read_back(store, path, lang: str = "id") -> dict[str, pd.DataFrame]:
    """The workbook with its sheets and columns named by their stable ids again."""
    sheets = pd.read_excel(path, sheet_name=None)
    by_title = {title: key for key, title in sheet_names(store, lang).items()}
    heads = {header(c, lang, store.pack.city.timezone_label): c for c in ALL_COLUMNS}
    readme = next(iter(sheets))
    return {by_title[name]: (frame if name == readme else frame.rename(columns=heads))
            for name, frame in sheets.items()}


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("export") / "d.db"
    with make_demo(path) as store:
        yield store


@pytest.fixture(scope="module")
def workbook(demo, tmp_path_factory) -> dict[str, pd.DataFrame]:
    out = export(demo, tmp_path_factory.mktemp("xlsx") / "results.xlsx", names=True)
    return read_back(demo, out)


def test_one_sheet_per_activity_plus_readme_and_revisions(demo, workbook):
    names = list(workbook)
    assert names[0] == "Keterangan" and names[-1] == "Semua revisi"
    assert names[1:-1] == [a.id for a in demo.pack.program.activities]
    titles = list(sheet_names(demo, "id").values())
    assert all(len(n) <= 31 for n in titles) and len({n.lower() for n in titles}) == len(titles)


def test_scale_sheet_matches_the_current_answers(demo, workbook):
    rows = demo.answer_rows("disruptive-scoring")
    sheet = workbook["disruptive-scoring"]
    assert len(sheet) == len(rows)
    assert sheet["value_num"].sum() == pytest.approx(
        sum(r["value_num"] for r in rows if r["value_num"] is not None))
    assert set(sheet["group"]) == {r["group"] for r in rows}
    labels = {it.id: it.label.get("id") for it in demo.activity("disruptive-scoring").items}
    assert (sheet["item_label"] == sheet["item_id"].map(labels)).all()


def test_text_and_question_sheets_match_the_store(demo, workbook):
    texts = sorted(r["value_text"] for r in demo.answer_rows("branding-definition")
                   if r["field"] == "text")
    sheet = workbook["branding-definition"]
    assert sorted(sheet.loc[sheet["field"] == "text", "value_text"]) == texts
    questions = demo.question_rows("leader-questions")
    sheet = workbook["leader-questions"]
    assert sheet["text"].tolist() == [q["text"] for q in questions]
    assert sheet["votes"].tolist() == [q["votes"] for q in questions]


def test_revisions_sheet_keeps_every_revision(demo, workbook):
    revisions = workbook["Semua revisi"]
    expected = sum(len(demo.answer_rows(a.id, history=True))
                   for a in demo.pack.program.activities if a.kind != "questions")
    assert len(revisions) == expected
    current = sum(len(demo.answer_rows(a.id)) for a in demo.pack.program.activities
                  if a.kind != "questions")
    assert int(revisions["is_current"].sum()) == current


def test_readme_explains_every_column(demo, workbook):
    readme = workbook["Keterangan"]
    explained = set(readme.loc[readme["Bagian"] == "Kolom", "Nama"])
    tz = demo.pack.city.timezone_label
    for name, sheet in workbook.items():
        if name != "Keterangan":
            assert {header(c, "id", tz) for c in sheet.columns} <= explained, name
    assert readme["Keterangan"].notna().all()


def test_export_has_no_names_by_default(demo, tmp_path):
    names = {p.name for p in demo.list_participants() if p.name}
    assert names
    for lang in ("id", "en"):
        out = export(demo, tmp_path / f"anon-{lang}.xlsx", lang=lang)
        sheets = read_back(demo, out, lang)
        assert t("export.readme_sheet", lang) in sheets
        assert t("export.revisions_sheet", lang) in sheets
        for name, sheet in sheets.items():
            assert "participant" not in sheet.columns
            cells = set(sheet.astype(str).to_numpy().ravel())
            assert not (names & cells), name
    # ...and with names=True the name column is there, with every given name
    named = read_back(demo, export(demo, tmp_path / "named.xlsx", names=True))
    given = set(named["branding-definition"]["participant"].dropna())
    assert given and given <= names


def test_cli_names_only_with_names(demo, tmp_path):
    folder = tmp_path / "csv-anon"
    assert main(["export", "--db", str(demo.path), "-o", f"{folder}/"]) == 0
    assert "participant" not in pd.read_csv(folder / "branding-definition.csv").columns
    folder = tmp_path / "csv-named"
    assert main(["export", "--db", str(demo.path), "-o", f"{folder}/", "--names"]) == 0
    assert "participant" in pd.read_csv(folder / "branding-definition.csv").columns
    assert main(["export", "--db", str(demo.path), "-o", str(tmp_path / "a.xlsx"),
                 "--anonymous"]) == 0  # the default, still accepted


# -- the office's workbook ----------------------------------------------------------------------


@pytest.fixture(scope="module", params=["id", "en"])
def book(request, demo, tmp_path_factory):
    out = export(demo, tmp_path_factory.mktemp("book") / "hasil.xlsx", lang=request.param,
                 names=True)
    wb = openpyxl.load_workbook(out)
    yield request.param, wb
    wb.close()


def test_sheet_names_and_headers_are_in_the_chosen_language(demo, book):
    lang, wb = book
    activities = demo.pack.program.activities
    titles = [" ".join(a.title.get(lang).replace(":", " –").replace("?", " ").split())
              for a in activities]  # the activity's title, cut at a word past 31 characters
    for got, title, a in zip(wb.sheetnames[1:-1], titles, activities, strict=True):
        if len(title) <= 31:
            assert got == title
        else:
            assert got.endswith("…") and len(got) <= 31, got
            assert title.startswith(got[:-1]) and title[len(got) - 1] == " ", got
        assert got != a.id
    expected = [t("export.readme_sheet", lang), t("export.revisions_sheet", lang)]
    assert wb.sheetnames[0] == expected[0] and wb.sheetnames[-1] == expected[-1]
    tz = demo.pack.city.timezone_label
    ws = wb[wb.sheetnames[1]]  # disruptive-scoring: answer columns
    heads = [c.value for c in ws[1]]
    assert heads == [header(c, lang, tz) for c in ANSWER_COLUMNS]
    assert heads[ANSWER_COLUMNS.index("group")] == t("report.col_group", lang)
    assert not set(heads) & set(ANSWER_COLUMNS)  # no column id left as a header
    assert all(c.font.bold for c in ws[1])


def test_header_row_is_frozen_and_columns_sized_from_their_content(book):
    _, wb = book
    for ws in wb.worksheets:
        assert ws.freeze_panes == "A2", ws.title
        rows = list(ws.iter_rows(values_only=True))
        for i, head in enumerate(rows[0]):
            letter = get_column_letter(i + 1)
            width = ws.column_dimensions[letter].width
            longest = max(len(str(v).split("\n")[0]) for r in rows for v in (r[i],)
                          if v is not None)
            assert 6 <= width <= MAX_WIDTH, (ws.title, head, width)
            assert width >= min(MAX_WIDTH, longest), (ws.title, head, width, longest)
            assert width <= max(longest + 3, 6), (ws.title, head, width, longest)


def test_wide_texts_are_capped(book):
    _, wb = book
    ws = wb[wb.sheetnames[0]]  # the explanation sheet has long sentences
    assert ws.column_dimensions["C"].width == MAX_WIDTH


# -- CSV: BOM and separator ---------------------------------------------------------------------


@pytest.mark.parametrize("sep, cli", [(",", ","), (";", ";"), ("\t", "tab")])
def test_csv_has_a_bom_and_the_chosen_separator(demo, tmp_path, sep, cli):
    folder = tmp_path / "csv"
    assert main(["export", "--db", str(demo.path), "-o", f"{folder}/", "--sep", cli]) == 0
    raw = (folder / "disruptive-scoring.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 byte order mark, once
    assert not raw[3:].startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    first = text.splitlines()[0]
    assert first.split(sep) == [c for c in ANSWER_COLUMNS if c != "participant"]
    decimal = "," if sep == ";" else "."
    sheet = pd.read_csv(folder / "disruptive-scoring.csv", sep=sep, decimal=decimal,
                        encoding="utf-8-sig")
    rows = demo.answer_rows("disruptive-scoring")
    assert len(sheet) == len(rows)
    assert sheet["value_num"].sum() == pytest.approx(
        sum(r["value_num"] for r in rows if r["value_num"] is not None))
    # Keterangan.csv has text with both separators inside: quoted, so it still reads back
    readme = pd.read_csv(folder / "Keterangan.csv", sep=sep, encoding="utf-8-sig")
    assert list(readme.columns) == ["Bagian", "Nama", "Keterangan"]


def test_semicolon_csv_writes_decimal_commas(demo, tmp_path):
    folder = tmp_path / "csv"
    export(demo, f"{folder}/", sep=";")
    lines = (folder / "satisfaction.csv").read_text(encoding="utf-8-sig").splitlines()
    i = lines[0].split(";").index("value_num")
    values = [line.split(";")[i] for line in lines[1:]]
    assert values and all("." not in v for v in values)
    assert all(float(v.replace(",", ".")) == int(float(v.replace(",", "."))) or "," in v
               for v in values)


def test_unknown_separator_is_refused(demo, tmp_path):
    with pytest.raises(ValueError, match="sep="):
        export(demo, f"{tmp_path}/csv/", sep="|")


def test_csv_folder(demo, tmp_path, capsys):
    folder = tmp_path / "csv"
    assert main(["export", "--db", str(demo.path), "-o", f"{folder}/"]) == 0
    files = sorted(p.name for p in folder.iterdir())
    assert "Keterangan.csv" in files and "idea-votes.csv" in files
    sheet = pd.read_csv(folder / "disruptive-scoring.csv", encoding="utf-8-sig")
    assert len(sheet) == len(demo.answer_rows("disruptive-scoring"))
    # an existing folder without the slash works too
    assert main(["export", "--db", str(demo.path), "-o", str(folder)]) == 0


def test_unwritable_path_is_one_line_exit_2(demo, tmp_path, capsys):
    code = main(["export", "--db", str(demo.path), "-o", str(tmp_path / "no" / "r.xlsx")])
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1
    with pytest.raises(ReportError):
        export(demo, tmp_path / "no" / "sub" / "csv/")
