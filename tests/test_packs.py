"""Tests of cityworkshop.packs: the copy of the content a workshop keeps (schema 6), a city's own
pack folder (``init --content``, ``pack new``, ``pack check``), problems in the user's language.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import pytest
import yaml

from cityworkshop.cli import main
from cityworkshop.content import load_pack
from cityworkshop.errors import ContentError, Problem
from cityworkshop.i18n import t
from cityworkshop.packs import check_pack, new_pack, pack_from_snapshot, pack_snapshot, problem_text
from cityworkshop.store import WorkshopStore
from cityworkshop.store.schema import SCHEMA_VERSION

DATA = Path(__file__).resolve().parent.parent / "data"


@pytest.fixture
def pack_dir(tmp_path: Path) -> Path:
    """A copy of the package's data/ folder: a city's own pack to change."""
    folder = tmp_path / "pack"
    shutil.copytree(DATA, folder)
    return folder


def _set_fact(folder: Path, old: str, new: str) -> None:
    city = folder / "cities" / "tangerang-selatan.yaml"
    text = city.read_text("utf-8")
    assert text.count(old) == 1
    city.write_text(text.replace(old, new), "utf-8")


# -- the copy a workshop keeps ---------------------------------------------------------------


@pytest.mark.parametrize("program", ["tangsel-elp", "bogor-elp"])
def test_snapshot_gives_back_the_pack_it_was_made_of(program):
    pack = load_pack(program)
    assert pack_from_snapshot(pack_snapshot(pack)) == pack


def test_workshop_keeps_the_pack_it_was_made_with(pack_dir, tmp_path):
    db = tmp_path / "w.db"
    WorkshopStore.create(db, content=pack_dir).close()
    _set_fact(pack_dir, '"1.354.350 jiwa"', '"9 jiwa"')  # the folder changes after the day
    shutil.rmtree(pack_dir / "frameworks")
    with WorkshopStore(db) as store:
        assert store.pack.city.fact("population_2020").value.id == "1.354.350 jiwa"
        assert store.pack == load_pack("tangsel-elp", root=DATA).model_copy(
            update={"files": store.pack.files})
        assert store.pack_source() == str(pack_dir.resolve())


def test_a_broken_pack_writes_nothing(pack_dir, tmp_path):
    _set_fact(pack_dir, "    year: 2020\n", "    year: twenty\n")
    db = tmp_path / "w.db"
    with pytest.raises(ContentError) as err:
        WorkshopStore.create(db, content=pack_dir)
    assert any(p.field.endswith(".year") for p in err.value.problems)
    assert not db.exists()


def _as_schema_5(db: Path, program_id: str | None = None) -> None:
    con = sqlite3.connect(db)
    con.execute("DROP TABLE content_pack")
    con.execute("UPDATE meta SET value = '5' WHERE key = 'schema_version'")
    if program_id:
        con.execute("UPDATE meta SET value = ? WHERE key = 'program_id'", (program_id,))
    con.commit()
    con.close()


def test_an_older_file_gets_its_copy_on_migration(tmp_path):
    db = tmp_path / "old.db"
    WorkshopStore.create(db).close()
    _as_schema_5(db)
    with WorkshopStore(db) as store:
        assert store.info().schema_version == SCHEMA_VERSION == 6
        assert store.pack_source() is not None
        assert store.pack == load_pack()
    con = sqlite3.connect(db)
    assert con.execute("SELECT program_id, format FROM content_pack").fetchall() == [
        ("tangsel-elp", 1)]
    con.close()


def test_an_older_file_of_an_unknown_program_says_so(tmp_path):
    db = tmp_path / "old.db"
    WorkshopStore.create(db).close()
    _as_schema_5(db, program_id="gone-elp")
    with WorkshopStore(db) as store:  # opens and migrates; the pack is loaded by id, and fails
        assert store.info().schema_version == SCHEMA_VERSION
        assert store.pack_source() is None
        with pytest.raises(ContentError, match="no program 'gone-elp'"):
            _ = store.pack


def test_a_damaged_copy_names_the_database(tmp_path):
    db = tmp_path / "w.db"
    WorkshopStore.create(db).close()
    con = sqlite3.connect(db)
    con.execute("UPDATE content_pack SET snapshot = '{\"format\": 1, \"program\": {}}'")
    con.commit()
    con.close()
    with WorkshopStore(db) as store, pytest.raises(ContentError) as err:
        _ = store.pack
    assert err.value.problems[0].file == str(db)
    assert "stored copy" in err.value.problems[0].message


# -- the command line ---------------------------------------------------------------------------


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_init_content_and_every_later_command_use_the_copy(pack_dir, tmp_path, capsys):
    _set_fact(pack_dir, '"1.354.350 jiwa"', '"1.354.351 jiwa (salinan)"')
    db = tmp_path / "w.db"
    code, _out, err = run(capsys, "init", "--db", str(db), "--content", str(pack_dir),
                         "--program", "tangsel-elp", "--groups", "3")
    assert code == 0, err
    shutil.rmtree(pack_dir)  # gone: status, open, next and the report still work
    assert run(capsys, "next", "--db", str(db))[0] == 0
    report = tmp_path / "r.html"
    code, _out, err = run(capsys, "report", "--db", str(db), "-o", str(report))
    assert code == 0, err
    assert "1.354.351 jiwa (salinan)" in report.read_text("utf-8")


def test_demo_content(pack_dir, tmp_path, capsys):
    db = tmp_path / "d.db"
    code, _out, err = run(capsys, "demo", "--db", str(db), "--content", str(pack_dir),
                         "--program", "bogor-elp")
    assert code == 0, err
    with WorkshopStore(db) as store:
        assert store.pack.city.id == "kota-bogor" and store.info().is_demo


@pytest.mark.parametrize("lang", ["id", "en"])
def test_init_content_with_problems_lists_them_in_the_users_language(pack_dir, tmp_path, capsys,
                                                                     lang):
    _set_fact(pack_dir, "short_name: Tangsel\n", "short_nama: Tangsel\n")
    db = tmp_path / "w.db"
    code, _out, err = run(capsys, "init", "--db", str(db), "--content", str(pack_dir),
                         "--program", "tangsel-elp", "--lang", lang)
    assert code == 2 and not db.exists()
    assert t("error.content", lang, n=2) in err
    assert ("kolom tidak dikenal" if lang == "id" else "unknown field") in err
    assert "short_name" in err and "Traceback" not in err


def test_init_content_of_a_missing_folder(tmp_path, capsys):
    code, _out, err = run(capsys, "init", "--db", str(tmp_path / "w.db"), "--content",
                         str(tmp_path / "nope"), "--lang", "id")
    assert code == 2 and "folder tidak ditemukan" in err and "pack new" in err


def test_pack_new_writes_a_pack_that_checks_and_runs(tmp_path, capsys):
    folder = tmp_path / "kota"
    code, _out, err = run(capsys, "pack", "new", str(folder), "--lang", "en")
    assert code == 0, err
    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*.yaml"))
    assert files == ["cities/kota-contoh.yaml", "frameworks/disruptive-city.yaml",
                     "programs/program-kota.yaml"]
    city = (folder / "cities" / "kota-contoh.yaml").read_text("utf-8")
    assert city.lstrip().startswith("#") and "Tangsel" not in city and "Tangerang" not in city
    program = (folder / "programs" / "program-kota.yaml").read_text("utf-8")
    assert "Tangsel" not in program and "Tangerang" not in program
    raw = yaml.safe_load(city)
    assert raw["facts"] and all(f["verified"] is False for f in raw["facts"])
    code, _out, err = run(capsys, "pack", "check", str(folder), "--lang", "en")
    assert code == 0, err
    db = tmp_path / "w.db"
    assert run(capsys, "init", "--db", str(db), "--content", str(folder))[0] == 0
    code, _out, err = run(capsys, "pack", "new", str(folder))  # never over the user's files
    assert code == 2 and not err.count("Traceback")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_pack_check_lists_every_problem(pack_dir, capsys, lang):
    _set_fact(pack_dir, "short_name: Tangsel\n", "")
    fw = pack_dir / "frameworks" / "disruptive-city.yaml"
    fw.write_text(fw.read_text("utf-8").replace("smart_city_dimension: smart_living",
                                                "smart_city_dimension: smart_lving", 1), "utf-8")
    extra = pack_dir / "cities" / "stray.yaml"  # in no program: checked on its own
    extra.write_text("id: stray\nname: Stray\n", "utf-8")
    code, out, _err = run(capsys, "pack", "check", str(pack_dir), "--lang", lang)
    assert code == 1
    assert "short_name" in out and "smart_city_dimension" in out and "stray.yaml" in out
    word = "kolom ini wajib diisi" if lang == "id" else "this field is required"
    assert word in out
    n = len(check_pack(pack_dir))
    assert n >= 4 and t("cli.pack_check_problems", lang, n=n, path=pack_dir) in out


def test_pack_check_ok_and_of_one_program(capsys):
    code, out, _err = run(capsys, "pack", "check", str(DATA), "--program", "bogor-elp",
                         "--lang", "en")
    assert code == 0 and t("cli.pack_check_ok", "en", path=DATA, n=1) in out


def test_pack_check_of_something_that_is_no_pack(tmp_path, capsys):
    (tmp_path / "x.yaml").write_text("a: 1\n", "utf-8")
    code, out, _err = run(capsys, "pack", "check", str(tmp_path), "--lang", "id")
    assert code == 1 and "cities/" in out and "pack new" in out


def test_new_pack_refuses_a_folder_with_files(tmp_path):
    (tmp_path / "keep.txt").write_text("mine", "utf-8")
    with pytest.raises(ContentError, match="not empty"):
        new_pack(tmp_path)
    assert (tmp_path / "keep.txt").read_text("utf-8") == "mine"


def test_problem_text_in_indonesian_and_english():
    p = Problem("cities/x.yaml", "facts[0].year", "this field is required")
    assert problem_text(p, "id") == "cities/x.yaml: facts[0].year: kolom ini wajib diisi"
    assert problem_text(p, "en") == str(p)
    odd = Problem("f", "-", "something rarer")
    assert problem_text(odd, "id").endswith("something rarer")  # not known: stays English


def test_init_content_with_several_programs_asks_which(pack_dir, tmp_path, capsys):
    code, _out, err = run(capsys, "init", "--db", str(tmp_path / "w.db"), "--content",
                         str(pack_dir), "--lang", "en")
    assert code == 2 and "--program" in err and "bogor-elp, tangsel-elp" in err


def test_pack_check_lists_what_is_still_to_fill_in_without_failing(tmp_path, capsys):
    folder = tmp_path / "kota"
    new_pack(folder)
    code, out, _err = run(capsys, "pack", "check", str(folder), "--lang", "id")
    assert code == 0
    assert "masih tempat kosong" in out
    assert "kota-contoh.yaml: facts[0].value.id: ISI: luas dalam km²" in out
