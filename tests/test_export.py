"""Exports: XLSX read back with pandas against the store, CSV folder, anonymity, sheet names,
and a path that cannot be written (one line, exit 2)."""

from __future__ import annotations

import pandas as pd
import pytest

from cityworkshop.cli import main
from cityworkshop.demo import make_demo
from cityworkshop.report import ReportError, export


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    path = tmp_path_factory.mktemp("export") / "d.db"
    with make_demo(path) as store:
        yield store


@pytest.fixture(scope="module")
def workbook(demo, tmp_path_factory) -> dict[str, pd.DataFrame]:
    out = export(demo, tmp_path_factory.mktemp("xlsx") / "results.xlsx")
    return pd.read_excel(out, sheet_name=None)


def test_one_sheet_per_activity_plus_readme_and_revisions(demo, workbook):
    names = list(workbook)
    assert names[0] == "Keterangan" and names[-1] == "Semua revisi"
    assert names[1:-1] == [a.id for a in demo.pack.program.activities]
    assert all(len(n) <= 31 for n in names) and len({n.lower() for n in names}) == len(names)


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


def test_readme_explains_every_column(workbook):
    readme = workbook["Keterangan"]
    explained = set(readme.loc[readme["Bagian"] == "Kolom", "Nama"])
    for name, sheet in workbook.items():
        if name != "Keterangan":
            assert set(sheet.columns) <= explained, name
    assert readme["Keterangan"].notna().all()


def test_anonymous_export_has_no_names(demo, tmp_path):
    out = export(demo, tmp_path / "anon.xlsx", anonymous=True, lang="en")
    sheets = pd.read_excel(out, sheet_name=None)
    assert "README" in sheets and "All revisions" in sheets
    names = {p.name for p in demo.list_participants() if p.name}
    for name, sheet in sheets.items():
        assert "participant" not in sheet.columns
        cells = set(sheet.astype(str).to_numpy().ravel())
        assert not (names & cells), name


def test_csv_folder(demo, tmp_path, capsys):
    folder = tmp_path / "csv"
    assert main(["export", "--db", str(demo.path), "-o", f"{folder}/"]) == 0
    files = sorted(p.name for p in folder.iterdir())
    assert "Keterangan.csv" in files and "idea-votes.csv" in files
    sheet = pd.read_csv(folder / "disruptive-scoring.csv", encoding="utf-8")
    assert len(sheet) == len(demo.answer_rows("disruptive-scoring"))
    # an existing folder without the slash works too
    assert main(["export", "--db", str(demo.path), "-o", str(folder)]) == 0


def test_unwritable_path_is_one_line_exit_2(demo, tmp_path, capsys):
    code = main(["export", "--db", str(demo.path), "-o", str(tmp_path / "no" / "r.xlsx")])
    err = capsys.readouterr().err
    assert code == 2 and len(err.strip().splitlines()) == 1
    with pytest.raises(ReportError):
        export(demo, tmp_path / "no" / "sub" / "csv/")
