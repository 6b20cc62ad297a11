"""Tests of cityworkshop.content: the reference content pack loads and is complete, a broken pack
is reported in one ContentError listing every problem with file and field, models are frozen.

Expected values are read from the YAML files directly (plain PyYAML), not from the code under test.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from cityworkshop.content import ContentPack, data_dir, load_pack
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
    for a, b in zip(sessions, sessions[1:]):
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
    assert pack.city.fact("hdi_2022").year == 2022


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
    _edit(prog, 'venue: {id: "Pusat pelatihan, Tangerang Selatan", '
                'en: "Training centre, Tangerang Selatan"}\n', "")
    # wrong type
    _edit(prog, "participants_expected: 40", 'participants_expected: "forty"')
    # unknown field
    _edit(prog, "  - id: opening\n", "  - id: opening\n    colour: red\n")
    # a session ending before it starts (city-branding, sessions[4])
    _edit(prog, '    start: "10:45"\n    end: "12:00"', '    start: "10:45"\n    end: "10:30"')
    # overlapping sessions: sharing-session starts 12:30, during lunch (12:00-13:00)
    _edit(prog, '    start: "13:00"\n    end: "14:15"', '    start: "12:30"\n    end: "14:15"')
    # unknown framework behind the scoring activity's items
    _edit(prog, "items_from: disruptive-city\n        dimensions", "items_from: no-such-framework\n        dimensions")


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
    _edit(prog, 'venue: {id: "Pusat pelatihan, Tangerang Selatan", '
                'en: "Training centre, Tangerang Selatan"}\n', "")
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
    _edit(prog, "items_from: disruptive-city\n        dimensions", "items_from: no-such-framework\n        dimensions")
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
