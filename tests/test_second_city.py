"""A second city's whole day: Kota Bogor's pack (``bogor-elp``) from ``demo --content`` to the
report, with no word of the reference city anywhere.

The pack is copied out of the package first (a city's own folder, as a facilitator has it) and
the copy is deleted once the workshop is made: every later step reads the workshop's own copy of
its content. Then ``next`` through every activity with the demo's answers, the participant page
at each activity, every guided notebook executed (nbclient, ``CITYWORKSHOP_DB`` set as ``lab``
sets it, widget state kept), the report in both languages and the export (XLSX and CSV): no
"Tangsel" or "Tangerang" in any of it, and the second city's name in each. On SQLite, and on a
throwaway PostgreSQL server (Debian's binaries; skipped without them).
"""

from __future__ import annotations

import csv
import json
import re
import shutil
from pathlib import Path

import pytest

from cityworkshop.cli import main, notebooks_dir
from cityworkshop.participant import ParticipantPage
from cityworkshop.store import WorkshopStore

DATA = Path(__file__).resolve().parent.parent / "data"
REFERENCE_CITY = re.compile(r"tangsel|tangerang", re.IGNORECASE)
CITY = "Kota Bogor"
NOTEBOOKS = ["00_ikhtisar.ipynb", "01_kota_disruptif.ipynb", "02_presentasi_kelompok.ipynb",
             "03_city_branding.ipynb", "04_sharing_session.ipynb", "05_penutupan.ipynb"]

pytestmark = pytest.mark.slow


def _texts(widget) -> str:
    """Everything a participant can read in a widget tree."""
    parts = []
    for attr in ("value", "description", "placeholder", "options"):
        v = getattr(widget, attr, None)
        if isinstance(v, str):
            parts.append(v)
        elif isinstance(v, (tuple, list)):
            parts += [str(x) for x in v]
    if callable(getattr(widget, "texts", None)):
        parts.append(widget.texts())
    for child in getattr(widget, "children", ()):
        parts.append(_texts(child))
    return "\n".join(parts)


def _clean(what: str, text: str) -> None:
    found = REFERENCE_CITY.search(text)
    if found:
        at = found.start()
        around = text[max(0, at - 120):at + 80]
        raise AssertionError(f"{what} names the reference city: ...{around}...")


def _cli(capsys, *argv: str) -> str:
    code = main(list(argv))
    out, err = capsys.readouterr()
    assert code == 0, err
    return out + err


def _city_pack(tmp_path: Path) -> Path:
    """Kota Bogor's pack as its own folder: its program, city and framework only."""
    folder = tmp_path / "pack-bogor"
    for sub, name in (("programs", "bogor-elp.yaml"), ("cities", "kota-bogor.yaml"),
                      ("frameworks", "disruptive-city.yaml")):
        (folder / sub).mkdir(parents=True, exist_ok=True)
        shutil.copyfile(DATA / sub / name, folder / sub / name)
    return folder


def _notebooks(db: str, tmp_path: Path, monkeypatch) -> list[str]:
    """Every guided notebook executed on ``db``; each one's outputs and widget state as text."""
    import nbformat
    from nbclient import NotebookClient

    monkeypatch.setenv("CITYWORKSHOP_DB", db)
    monkeypatch.setenv("CITYWORKSHOP_LANG", "id")
    out = []
    for name in NOTEBOOKS:
        nb = nbformat.read(notebooks_dir() / name, as_version=4)
        NotebookClient(nb, timeout=300, kernel_name="python3", store_widget_state=True,
                       resources={"metadata": {"path": str(tmp_path)}}).execute()
        errors = [o for c in nb.cells for o in c.get("outputs", ())
                  if o.get("output_type") == "error"]
        assert not errors, (name, errors[0].get("ename"), errors[0].get("evalue"))
        out.append(json.dumps({"cells": [c.get("outputs", []) for c in nb.cells],
                               "widgets": nb.metadata.get("widgets", {})}, ensure_ascii=False))
    return out


def _whole_day(db: str, tmp_path: Path, capsys, monkeypatch) -> None:
    pack = _city_pack(tmp_path)
    said = [_cli(capsys, "demo", "--db", db, "--content", str(pack))]  # its only program
    shutil.rmtree(pack)  # from here on, only the workshop's copy of the content

    with WorkshopStore(db) as store:
        assert store.pack.city.name == CITY and store.pack.program.id == "bogor-elp"
        pages = {lang: ParticipantPage(store, lang=lang) for lang in ("id", "en")}
        for lang, page in pages.items():
            page.code.value = store.list_groups()[0].code
            page.name.value = f"Peserta {lang}"
            page.join_button.click()
            assert page.screen == "wait", page.status.value
        seen = {lang: [_texts(p.widget)] for lang, p in pages.items()}
        for activity in store.pack.program.activities:
            said.append(_cli(capsys, "next", "--db", db))
            assert store.current_activity() == activity.id
            for lang, page in pages.items():
                page.poll()
                assert page.screen in ("form", "questions"), (activity.id, page.screen)
                seen[lang].append(_texts(page.widget))
        said.append(_cli(capsys, "next", "--db", db))  # the end of the day
        said.append(_cli(capsys, "status", "--db", db))
        for lang in pages:
            page_text = "\n".join(seen[lang])
            _clean(f"the participant page ({lang})", page_text)
            assert CITY in page_text
    _clean("the command line", "\n".join(said))

    for name, text in zip(NOTEBOOKS, _notebooks(db, tmp_path, monkeypatch), strict=True):
        _clean(f"notebook {name}", text)
        if name.startswith(("00", "01", "03", "05")):  # 02 and 04 need not name the city
            assert CITY in text, name

    for lang in ("id", "en"):
        report = tmp_path / f"report-{lang}.html"
        _cli(capsys, "report", "--db", db, "-o", str(report), "--lang", lang)
        text = report.read_text("utf-8")
        _clean(f"the report ({lang})", text)
        assert CITY in text

    xlsx = tmp_path / "results.xlsx"
    _cli(capsys, "export", "--db", db, "-o", str(xlsx))
    from openpyxl import load_workbook

    book = load_workbook(xlsx, read_only=True)
    cells = "\n".join(str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True)
                      for v in row if v is not None) + "\n".join(book.sheetnames)
    book.close()
    _clean("the XLSX export", cells)
    assert CITY in cells
    folder = tmp_path / "csv"
    _cli(capsys, "export", "--db", db, "-o", f"{folder}/", "--sep", ";")
    rows = []
    for path in sorted(folder.glob("*.csv")):
        with open(path, encoding="utf-8-sig", newline="") as f:
            rows += [";".join(r) for r in csv.reader(f, delimiter=";")]
        rows.append(path.name)
    _clean("the CSV export", "\n".join(rows))


def test_a_second_city_runs_the_whole_day_on_sqlite(tmp_path, capsys, monkeypatch):
    _whole_day(str(tmp_path / "bogor.db"), tmp_path, capsys, monkeypatch)


@pytest.fixture(scope="module")
def pg():
    from cityworkshop.store.pgcluster import find_binaries

    if find_binaries() is None:
        pytest.skip("PostgreSQL server binaries not found under /usr/lib/postgresql/*/bin "
                    "(apt-get install postgresql, or bash scripts/setup.sh test)")
    pytest.importorskip("psycopg")
    from cityworkshop.store.pgcluster import start_cluster

    cluster = start_cluster(fsync=False)
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.mark.postgres
def test_a_second_city_runs_the_whole_day_on_postgresql(pg, tmp_path, capsys, monkeypatch):
    _whole_day(pg.url("bogor_2026"), tmp_path, capsys, monkeypatch)
