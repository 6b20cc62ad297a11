"""Tests of cityworkshop.content: the reference content pack loads and is complete, a broken pack
is reported in one ContentError listing every problem with file and field, models are frozen.

Expected values are read from the YAML files directly (plain PyYAML), not from the code under test.
"""

from __future__ import annotations

import datetime as dt
import itertools
import shutil
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from cityworkshop.content import Activity, City, ContentPack, Session, data_dir, load_pack
from cityworkshop.errors import ContentError, Problem

DATA = Path(__file__).resolve().parent.parent / "data"
SMART_CITY = {
    "smart_governance",
    "smart_branding",
    "smart_economy",
    "smart_living",
    "smart_society",
    "smart_environment",
}


def _raw(relpath: str) -> dict:
    return yaml.safe_load((DATA / relpath).read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def pack() -> ContentPack:
    return load_pack("tangsel-elp")


# -- the reference pack ---------------------------------------------------------------------


def test_data_dir_is_the_checkout_data_folder():
    assert data_dir().resolve() == DATA.resolve()


def test_reference_program_refers_to_tangsel_and_disruptive_city(pack):
    assert pack.program.id == "tangsel-elp"
    assert pack.city.id == "tangerang-selatan"
    assert pack.city.short_name == "Tangsel"
    assert pack.city.timezone == "Asia/Jakarta"
    assert set(pack.frameworks) == {"disruptive-city"}


def test_framework_has_8_to_10_bilingual_criteria_with_smart_city_dimension(pack):
    fw = pack.framework("disruptive-city")
    raw_ids = [c["id"] for c in _raw("frameworks/disruptive-city.yaml")["criteria"]]
    assert 8 <= len(fw.criteria) <= 10
    assert [c.id for c in fw.criteria] == raw_ids
    for c in fw.criteria:
        for text in (c.name, c.description, c.question):
            assert text.id.strip() and text.en.strip(), c.id
            assert text.get("id") == text.id and text.get("en") == text.en
        assert c.smart_city_dimension in SMART_CITY, c.id
    assert fw.sources, "a framework names the sources it is built on"


def test_agenda_runs_from_0800_to_1500_in_order_with_lunch(pack):
    sessions = pack.program.sessions
    assert sessions[0].start == dt.time(8, 0)
    assert sessions[-1].end == dt.time(15, 0)
    for s in sessions:
        assert s.start < s.end, s.id
    for a, b in itertools.pairwise(sessions):
        assert a.end <= b.start, f"{a.id} overlaps {b.id}"
    raw_ids = [s["id"] for s in _raw("programs/tangsel-elp.yaml")["sessions"]]
    assert [s.id for s in sessions] == raw_ids
    lunch = [s for s in sessions if s.kind == "break" and "lunch" in s.title.en.lower()]
    assert len(lunch) == 1
    assert dt.time(11, 0) <= lunch[0].start < lunch[0].end <= dt.time(14, 0)


def test_scoring_activity_is_a_group_scale_now_target_1_to_5(pack):
    act = pack.program.activity("disruptive-scoring")
    assert act.kind == "scale"
    assert act.scope == "group"
    assert [d.id for d in act.dimensions] == ["now", "target"]
    assert (act.scale_min, act.scale_max) == (1, 5)
    assert sorted(act.scale_labels) == [1, 2, 3, 4, 5]
    assert pack.program.session_of("disruptive-scoring").id == "liveable-tangsel"


def test_scoring_items_are_resolved_from_the_framework(pack):
    act = pack.program.activity("disruptive-scoring")
    raw = _raw("frameworks/disruptive-city.yaml")["criteria"]
    assert [it.id for it in act.items] == [c["id"] for c in raw]
    assert [it.label.en for it in act.items] == [c["name"]["en"] for c in raw]
    assert [it.help.id for it in act.items] == [c["question"]["id"] for c in raw]
    assert pack.criteria_of(act) == pack.framework("disruptive-city").criteria


def test_every_fact_has_a_source_and_a_year(pack):
    raw_facts = _raw("cities/tangerang-selatan.yaml")["facts"]
    assert len(pack.city.facts) == len(raw_facts) > 0
    for f in pack.city.facts:
        assert len(f.source.strip()) >= 3, f.key
        assert 1900 <= f.year <= 2100, f.key
        assert f.label.id and f.label.en and f.value.id and f.value.en


def test_every_criterion_fact_exists_in_the_city_profile(pack):
    keys = {f.key for f in pack.city.facts}
    for c in pack.framework("disruptive-city").criteria:
        assert set(c.facts) <= keys, c.id
    assert pack.city.fact("hdi").year == 2022


def test_unknown_activity_framework_and_fact_raise_not_found(pack):
    from cityworkshop.errors import NotFound

    with pytest.raises(NotFound, match="no-such"):
        pack.program.activity("no-such")
    with pytest.raises(NotFound):
        pack.framework("no-such")
    with pytest.raises(NotFound):
        pack.city.fact("no_such")


# -- models are frozen ----------------------------------------------------------------------


def test_models_are_frozen_no_mutate(pack):
    act = pack.program.activity("disruptive-scoring")
    before = act.model_dump()
    with pytest.raises(ValidationError):
        act.scope = "participant"  # type: ignore[misc]
    with pytest.raises(ValidationError):
        pack.program.sessions[0].start = dt.time(7, 0)  # type: ignore[misc]
    with pytest.raises(ValidationError):
        pack.city.facts[0].year = 1999  # type: ignore[misc]
    with pytest.raises((TypeError, AttributeError)):
        pack.program.sessions.append(pack.program.sessions[0])  # type: ignore[attr-defined]
    # A builder returns a copy and leaves the original alone.
    copy = act.model_copy(update={"scope": "participant"})
    assert copy.scope == "participant"
    assert act.model_dump() == before
    assert load_pack("tangsel-elp").program.activity("disruptive-scoring").scope == "group"


# -- a broken pack: every problem at once, with file and field -------------------------------


@pytest.fixture
def pack_copy(tmp_path: Path) -> Path:
    root = tmp_path / "data"
    shutil.copytree(DATA, root)
    return root


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"test setup: {old!r} not found once in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def _venue_line(prog: Path) -> str:
    """The program's ``venue:`` line, whatever venue it names."""
    lines = prog.read_text(encoding="utf-8").splitlines(keepends=True)
    return next(line for line in lines if line.startswith("venue:"))


def _load_error(root: Path) -> ContentError:
    with pytest.raises(ContentError) as info:
        load_pack("tangsel-elp", root=root)
    assert isinstance(info.value, ValueError)
    return info.value


def _missing(problems: list[Problem], expected: list[tuple[str, str, str]]) -> list[tuple]:
    """Expected (file name, field contains, message contains) that no problem matches."""
    out = []
    for fname, field, msg in expected:
        if not any(Path(p.file).name == fname and field in p.field and msg in p.message
                   for p in problems):
            out.append((fname, field, msg))
    return out


def _break_program(root: Path) -> None:
    prog = root / "programs" / "tangsel-elp.yaml"
    # missing field
    _edit(prog, _venue_line(prog), "")
    # wrong type
    _edit(prog, "participants_expected: 40", 'participants_expected: "forty"')
    # unknown field
    _edit(prog, "  - id: opening\n", "  - id: opening\n    colour: red\n")
    # a session ending before it starts (city-branding, sessions[4])
    _edit(prog, '    start: "10:45"\n    end: "12:00"', '    start: "10:45"\n    end: "10:30"')
    # overlapping sessions: sharing-session starts 12:30, during lunch (12:00-13:00)
    _edit(prog, '    start: "13:00"\n    end: "14:15"', '    start: "12:30"\n    end: "14:15"')
    # unknown framework behind the scoring activity's items
    _edit(prog, "items_from: disruptive-city\n        dimensions",
          "items_from: no-such-framework\n        dimensions")


PROGRAM_PROBLEMS = [
    ("tangsel-elp.yaml", "venue", "required"),
    ("tangsel-elp.yaml", "participants_expected", "integer"),
    ("tangsel-elp.yaml", "sessions[0].colour", "unknown field"),
    ("tangsel-elp.yaml", "sessions[4]", "must be after start"),
    ("tangsel-elp.yaml", "", "'sharing-session' starts at 12:30"),
    ("tangsel-elp.yaml", "sessions[2].activities[0].items_from", "no-such-framework"),
]


def test_session_ending_before_it_starts_names_the_session(pack_copy):
    _edit(pack_copy / "programs" / "tangsel-elp.yaml",
          '    start: "10:45"\n    end: "12:00"', '    start: "10:45"\n    end: "10:30"')
    err = _load_error(pack_copy)
    assert _missing(err.problems, [("tangsel-elp.yaml", "sessions[4]", "end (10:30)")]) == []


def test_overlapping_sessions_are_reported(pack_copy):
    _edit(pack_copy / "programs" / "tangsel-elp.yaml",
          '    start: "13:00"\n    end: "14:15"', '    start: "12:30"\n    end: "14:15"')
    err = _load_error(pack_copy)
    assert len(err.problems) == 1
    assert "'sharing-session' starts at 12:30, before 'lunch' ends at 13:00" in str(err)


def test_several_field_problems_in_one_file_are_all_listed(pack_copy):
    prog = pack_copy / "programs" / "tangsel-elp.yaml"
    _edit(prog, _venue_line(prog), "")
    _edit(prog, "participants_expected: 40", 'participants_expected: "forty"')
    _edit(prog, "  - id: opening\n", "  - id: opening\n    colour: red\n")
    _edit(prog, '    start: "10:45"\n    end: "12:00"', '    start: "10:45"\n    end: "10:30"')
    err = _load_error(pack_copy)
    assert _missing(err.problems, PROGRAM_PROBLEMS[:4]) == [], str(err)
    assert len(err.problems) == 4
    # The message itself lists each problem with its file and field.
    for p in err.problems:
        assert f"{p.file}: {p.field}: {p.message}" in str(err)


def test_cross_file_problems_are_listed_together(pack_copy):
    """A valid program whose framework and items refer to things that do not exist."""
    prog = pack_copy / "programs" / "tangsel-elp.yaml"
    _edit(prog, "frameworks: [disruptive-city]", "frameworks: [disruptive-city, extra-criteria]")
    _edit(prog, "items_from: disruptive-city\n        dimensions",
          "items_from: no-such-framework\n        dimensions")
    (pack_copy / "frameworks" / "extra-criteria.yaml").write_text(
        "id: extra-criteria\nname: {id: Ekstra, en: Extra\ncriteria: [\n", encoding="utf-8")
    _edit(pack_copy / "frameworks" / "disruptive-city.yaml",
          "facts: [bps_publications]", "facts: [no_such_fact]")
    err = _load_error(pack_copy)
    expected = [
        ("tangsel-elp.yaml", "sessions[2].activities[0].items_from", "no-such-framework"),
        ("extra-criteria.yaml", "line", "not valid YAML"),
        ("disruptive-city.yaml", "criteria[2].facts", "unknown fact 'no_such_fact'"),
    ]
    assert _missing(err.problems, expected) == [], str(err)
    assert len(err.problems) == 3


def test_broken_pack_in_several_files_reports_every_problem_at_once(pack_copy):
    """Break the program, the city, the framework and add a framework with bad YAML: ONE error
    lists every problem, each with its file and field (the design: 'every problem reported at
    once')."""
    _break_program(pack_copy)
    prog = pack_copy / "programs" / "tangsel-elp.yaml"
    _edit(prog, "frameworks: [disruptive-city]", "frameworks: [disruptive-city, extra-criteria]")
    # bad YAML syntax
    (pack_copy / "frameworks" / "extra-criteria.yaml").write_text(
        "id: extra-criteria\nname: {id: Ekstra, en: Extra\ncriteria: [\n", encoding="utf-8")
    fw = pack_copy / "frameworks" / "disruptive-city.yaml"
    # criterion referring to an unknown fact (criteria[2] is data_driven)
    _edit(fw, "facts: [bps_publications]", "facts: [no_such_fact]")
    # missing field in a criterion (criteria[4] is health_liveability)
    _edit(fw, '    question:\n      id: "Apa yang membuat keluarga muda',
          '    question_typo:\n      id: "Apa yang membuat keluarga muda')
    city = pack_copy / "cities" / "tangerang-selatan.yaml"
    # missing source (facts[0]) and a year of the wrong type (facts[1])
    _edit(city, "    source: \"Wikipedia bahasa Indonesia, 'Kota Tangerang Selatan'\"\n", "")
    _edit(city, "    year: 2024\n    source: \"Wikipedia; kliktangerang.com\"\n  - key: districts",
          "    year: last year\n    source: \"Wikipedia; kliktangerang.com\"\n  - key: districts")

    err = _load_error(pack_copy)
    expected = PROGRAM_PROBLEMS + [
        ("extra-criteria.yaml", "line", "not valid YAML"),
        ("disruptive-city.yaml", "criteria[2].facts", "unknown fact 'no_such_fact'"),
        ("disruptive-city.yaml", "criteria[4].question", "required"),
        ("disruptive-city.yaml", "criteria[4].question_typo", "unknown field"),
        ("tangerang-selatan.yaml", "facts[0].source", "required"),
        ("tangerang-selatan.yaml", "facts[1].year", "integer"),
    ]
    missing = _missing(err.problems, expected)
    assert missing == [], (
        f"{len(missing)} problem(s) not reported:\n"
        + "\n".join(f"  {m}" for m in missing)
        + f"\nreported:\n{err}"
    )


# -- every problem of every file (issue 7, point 10) -----------------------------------------


def _unique_line(path: Path, line: str) -> int:
    """The 1-based number of the one line of ``path`` that is ``line``."""
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines.count(line) == 1, f"test setup: {line!r} not found once in {path.name}"
    return lines.index(line) + 1


def test_same_message_in_distinct_fields_is_listed_for_each_field(pack_copy):
    city = pack_copy / "cities" / "tangerang-selatan.yaml"
    _edit(city, "    source: \"Wikipedia bahasa Indonesia, 'Kota Tangerang Selatan'\"\n", "")
    _edit(city, '    source: "BPS, Sensus Penduduk 2020 (via Wikipedia)"\n', "")
    err = _load_error(pack_copy)
    expected = [("tangerang-selatan.yaml", "facts[0].source", "required"),
                ("tangerang-selatan.yaml", "facts[3].source", "required")]
    assert _missing(err.problems, expected) == [], str(err)
    assert len(err.problems) == 2, str(err)


def test_a_broken_field_does_not_hide_the_other_checks_of_its_activity_or_session(pack_copy):
    """Pydantic skips a model's own validator when one of its fields is broken: the checks across
    fields, the agenda and the references must still run on everything that parsed."""
    prog = pack_copy / "programs" / "tangsel-elp.yaml"
    # idea-votes (sessions[2].activities[2]): a bad scope hides its missing budget
    _edit(prog, "        scope: participant\n        title: {id: \"Memilih",
          "        scope: everyone\n        title: {id: \"Memilih")
    _edit(prog, "        budget: 5\n", "")
    # ... and the broken activity must not hide an unknown framework next to it
    _edit(prog, "items_from: disruptive-city\n        link_items",
          "items_from: no-such-framework\n        link_items")
    # city-branding (sessions[4]): a bad notebook hides that it ends before it starts
    _edit(prog, "    notebook: 03_city_branding.ipynb\n", "    notebook: 3\n")
    _edit(prog, '    start: "10:45"\n    end: "12:00"', '    start: "10:45"\n    end: "10:30"')
    # sharing-session (sessions[6]): a broken activity hides that it starts during lunch;
    # written unquoted, as YAML reads 12:30 as a number
    _edit(prog, "      - id: leader-questions\n",
          "      - id: leader-questions\n        max_entries: lots\n")
    _edit(prog, '    start: "13:00"\n    end: "14:15"', '    start: 12:30\n    end: "14:15"')
    err = _load_error(pack_copy)
    expected = [
        ("tangsel-elp.yaml", "sessions[2].activities[2].scope", "'participant' or 'group'"),
        ("tangsel-elp.yaml", "sessions[2].activities[2].budget", "needs a budget"),
        ("tangsel-elp.yaml", "sessions[2].activities[1].items_from", "'no-such-framework'"),
        ("tangsel-elp.yaml", "sessions[4].notebook", "string"),
        ("tangsel-elp.yaml", "sessions[4].end", "end (10:30) must be after start (10:45)"),
        ("tangsel-elp.yaml", "sessions[6].activities[0].max_entries", "integer"),
        ("tangsel-elp.yaml", "sessions[6].start",
         "'sharing-session' starts at 12:30, before 'lunch' ends at 13:00"),
    ]
    assert _missing(err.problems, expected) == [], str(err)
    assert len(err.problems) == len(expected), str(err)


@pytest.mark.parametrize("text", ["", "# criteria to come\n"])
def test_empty_framework_file_is_a_problem_not_a_key_error(pack_copy, text):
    (pack_copy / "frameworks" / "disruptive-city.yaml").write_text(text, encoding="utf-8")
    err = _load_error(pack_copy)
    assert _missing(err.problems, [("disruptive-city.yaml", "-", "file is empty")]) == []
    assert "criteria" in err.problems[0].message  # says what the file needs
    assert len(err.problems) == 1, str(err)


@pytest.mark.parametrize("relpath", ["cities/tangerang-selatan.yaml", "programs/tangsel-elp.yaml"])
def test_empty_city_or_program_file_lists_a_real_problem(pack_copy, relpath):
    (pack_copy / relpath).write_text("", encoding="utf-8")
    err = _load_error(pack_copy)
    assert len(err.problems) == 1, str(err)
    assert str(err).startswith("1 problem(s)")
    p = err.problems[0]
    assert (Path(p.file).name, p.field) == (Path(relpath).name, "-")
    assert "file is empty" in p.message and "id" in p.message


def test_time_zone_typo_is_found_at_load_time(pack_copy):
    _edit(pack_copy / "cities" / "tangerang-selatan.yaml",
          "timezone: Asia/Jakarta", "timezone: Asia/Jakrta")
    err = _load_error(pack_copy)
    assert _missing(err.problems, [
        ("tangerang-selatan.yaml", "timezone", "unknown time zone 'Asia/Jakrta'"),
        ("tangerang-selatan.yaml", "timezone", "did you mean 'Asia/Jakarta'?"),
    ]) == [], str(err)
    assert len(err.problems) == 1, str(err)


@pytest.mark.parametrize(("text", "found"), [("- Tangsel\n- Banten\n", "found a list"),
                                             ("Tangerang Selatan\n", "found a single value")])
def test_file_that_is_not_a_mapping_says_what_it_holds(pack_copy, text, found):
    (pack_copy / "cities" / "tangerang-selatan.yaml").write_text(text, encoding="utf-8")
    err = _load_error(pack_copy)
    assert _missing(err.problems, [("tangerang-selatan.yaml", "-", "expected a mapping"),
                                   ("tangerang-selatan.yaml", "-", found)]) == [], str(err)
    assert len(err.problems) == 1, str(err)


def test_missing_city_and_framework_files_are_named_where_they_are_referenced(pack_copy):
    (pack_copy / "cities" / "tangerang-selatan.yaml").unlink()
    (pack_copy / "frameworks" / "disruptive-city.yaml").unlink()
    err = _load_error(pack_copy)
    assert _missing(err.problems, [
        ("tangsel-elp.yaml", "city", "cities/tangerang-selatan.yaml not found"),
        ("tangsel-elp.yaml", "frameworks[0]", "frameworks/disruptive-city.yaml"),
    ]) == [], str(err)
    assert len(err.problems) == 2, str(err)


def test_unknown_program_lists_the_programs_there(pack_copy):
    with pytest.raises(ContentError) as info:
        load_pack("no-such-program", root=pack_copy)
    (p,) = info.value.problems
    assert Path(p.file).name == "no-such-program.yaml"
    assert "file not found" in p.message and "tangsel-elp" in p.message


def test_repeated_ids_are_each_named_where_they_repeat(pack_copy):
    prog = pack_copy / "programs" / "tangsel-elp.yaml"
    _edit(prog, "  - id: closing\n", "  - id: lunch\n")  # sessions[7] takes the id of sessions[5]
    _edit(prog, "      - id: closing-comments\n", "      - id: reflection\n")
    fw = pack_copy / "frameworks" / "disruptive-city.yaml"
    _edit(fw, "  - id: responsive_complaints\n", "  - id: digital_services\n")
    # a broken field of the framework must not hide the repeated criterion id
    _edit(fw, ', en: "Disruptive-city criteria"}', "}")
    err = _load_error(pack_copy)
    expected = [
        ("tangsel-elp.yaml", "sessions[7].id", "'lunch' is already used by sessions[5]"),
        ("tangsel-elp.yaml", "sessions[7].activities[1].id",
         "'reflection' is already used by sessions[6].activities[1]"),
        ("disruptive-city.yaml", "criteria[1].id",
         "'digital_services' is already used by criteria[0]"),
        ("disruptive-city.yaml", "name.en", "required"),
    ]
    assert _missing(err.problems, expected) == [], str(err)
    assert len(err.problems) == len(expected), str(err)


def test_non_utf8_bytes_and_control_characters_are_problems_with_line_and_column(pack_copy):
    city = pack_copy / "cities" / "tangerang-selatan.yaml"
    line = _unique_line(city, "province: Banten")
    city.write_bytes(city.read_bytes().replace(b"province: Banten", b"province: Bant\xe9n"))
    fw = pack_copy / "frameworks" / "disruptive-city.yaml"
    fw_line = _unique_line(fw, "id: disruptive-city")
    _edit(fw, "id: disruptive-city\n", "id: disruptive-city\x00\n")
    err = _load_error(pack_copy)
    assert _missing(err.problems, [
        ("tangerang-selatan.yaml", f"line {line}, column 15", "not UTF-8"),
        ("tangerang-selatan.yaml", f"line {line}, column 15", "0xe9"),
        ("disruptive-city.yaml", f"line {fw_line}, column 20", "U+0000 is not allowed"),
    ]) == [], str(err)
    assert len(err.problems) == 2, str(err)


def test_yaml_syntax_errors_repeated_keys_and_bad_dates_give_their_line(pack_copy):
    prog = pack_copy / "programs" / "tangsel-elp.yaml"
    _edit(prog, "frameworks: [disruptive-city]", "frameworks: [disruptive-city, extra-criteria]")
    (pack_copy / "frameworks" / "extra-criteria.yaml").write_text(
        "id: extra-criteria\nname:\n\tid: Ekstra\n", encoding="utf-8")  # a tab indents
    city = pack_copy / "cities" / "tangerang-selatan.yaml"
    line = _unique_line(city, "short_name: Tangsel")
    _edit(city, "short_name: Tangsel\n", "short_name: Tangsel\nshort_name: Tangerang Selatan\n")
    fw = pack_copy / "frameworks" / "disruptive-city.yaml"
    date_line = _unique_line(fw, "id: disruptive-city")
    _edit(fw, "id: disruptive-city\n", "id: disruptive-city\nupdated: 2027-13-01\n")
    err = _load_error(pack_copy)
    assert _missing(err.problems, [
        ("extra-criteria.yaml", "line 3, column 1", "not valid YAML"),
        ("tangerang-selatan.yaml", f"line {line + 1}, column 1",
         f"'short_name' appears twice in one mapping (lines {line} and {line + 1})"),
        ("disruptive-city.yaml", f"line {date_line + 1}, column 10",
         "'2027-13-01' is not a valid date"),
    ]) == [], str(err)
    assert len(err.problems) == 3, str(err)


def test_ten_breakages_across_files_are_all_listed_with_file_and_field(pack_copy):
    prog = pack_copy / "programs" / "tangsel-elp.yaml"
    _edit(prog, "        scope: participant\n        title: {id: \"Memilih",
          "        scope: everyone\n        title: {id: \"Memilih")                     # 1
    _edit(prog, "        budget: 5\n", "")                                               # 2
    _edit(prog, "  - id: lunch\n", "  - id: lunch\n    notebook: 7\n")                   # 3
    _edit(prog, '    start: "12:00"\n    end: "13:00"', '    start: "12:00"\n    end: "11:00"')  # 4
    _edit(prog, "      - id: closing-comments\n", "      - id: reflection\n")           # 5
    city = pack_copy / "cities" / "tangerang-selatan.yaml"
    _edit(city, "timezone: Asia/Jakarta", "timezone: Asia/Jakrta")                        # 6
    _edit(city, "    source: \"Wikipedia bahasa Indonesia, 'Kota Tangerang Selatan'\"\n", "")  # 7
    _edit(city, '    source: "BPS, Sensus Penduduk 2020 (via Wikipedia)"\n', "")         # 8
    fw = pack_copy / "frameworks" / "disruptive-city.yaml"
    _edit(fw, "  - id: responsive_complaints\n", "  - id: digital_services\n")           # 9
    _edit(fw, ', en: "Disruptive-city criteria"}', "}")                                  # 10
    err = _load_error(pack_copy)
    expected = [
        ("tangsel-elp.yaml", "sessions[2].activities[2].scope", "'participant' or 'group'"),
        ("tangsel-elp.yaml", "sessions[2].activities[2].budget", "needs a budget"),
        ("tangsel-elp.yaml", "sessions[5].notebook", "string"),
        ("tangsel-elp.yaml", "sessions[5].end", "end (11:00) must be after start (12:00)"),
        ("tangsel-elp.yaml", "sessions[7].activities[1].id", "'reflection' is already used"),
        ("tangerang-selatan.yaml", "timezone", "unknown time zone 'Asia/Jakrta'"),
        ("tangerang-selatan.yaml", "facts[0].source", "required"),
        ("tangerang-selatan.yaml", "facts[3].source", "required"),
        ("disruptive-city.yaml", "criteria[1].id", "'digital_services' is already used"),
        ("disruptive-city.yaml", "name.en", "required"),
    ]
    missing = _missing(err.problems, expected)
    assert missing == [], f"not reported: {missing}\nreported:\n{err}"
    assert len(err.problems) == 10, str(err)
    for p in err.problems:
        assert p.field != "-" and f"{p.file}: {p.field}: {p.message}" in str(err)


def test_models_built_by_hand_still_check_across_fields():
    text = {"id": "Sesi", "en": "Session"}
    with pytest.raises(ValidationError, match=r"end \(08:00\) must be after start \(09:00\)"):
        Session(id="s", title=text, start="09:00", end="08:00")
    with pytest.raises(ValidationError, match="a points activity needs a budget"):
        Activity(id="a", kind="points", scope="participant", title=text, prompt=text,
                 items=[{"id": "x", "label": text}])
    with pytest.raises(ValidationError, match="unknown time zone"):
        City(id="c", name="C", short_name="C", province="P", timezone="Asia/Jakrta", facts=[])
