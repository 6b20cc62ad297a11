"""The kind registry (cityworkshop.kinds): every kind declared there is tested here, by name.

Parametrised over the registry, so that a kind is tested the moment it is registered: it has
every hook; its demo answer passes its rules, and the rules' rows turn back into the answer; the
form's value passes the rules; its figures are the declared ones on no data and on answers; its
report section and "sent" summary escape hostile text. And the guard that keeps the registry the
one place a kind is named: no comparison of ``.kind`` with a name outside ``cityworkshop/kinds``.
"""

from __future__ import annotations

import ast
import copy
import typing
from pathlib import Path
from random import Random
from typing import Any

import pytest
from bs4 import BeautifulSoup

from cityworkshop import content
from cityworkshop.content import ACTIVITY_MODELS, Session, load_pack
from cityworkshop.errors import InvalidAnswer
from cityworkshop.kinds import KINDS, NEW_ENTRY, ActivityData, Kind, kind_of, load
from cityworkshop.store import WorkshopStore

ROOT = Path(__file__).resolve().parent.parent
NAMES = list(KINDS)
HOSTILE = ('<script>alert(1)</script> =HYPERLINK("http://x.example","klik") '
           "\u202eالرياض 🎉 <b>tebal</b>")
"""Markup, a spreadsheet formula, a right-to-left override with Arabic, an emoji."""


def _items(hostile: bool = False) -> list[dict[str, Any]]:
    def label(n: int) -> str:
        return f"{HOSTILE} {n}" if hostile else f"Butir {n}"

    return [{"id": f"item{n}", "label": {"id": label(n), "en": label(n)}} for n in (1, 2, 3)]


@pytest.fixture(scope="module")
def room(tmp_path_factory: pytest.TempPathFactory):
    """A workshop whose one session holds every kind's example activity (hostile item labels),
    two groups of two, and each kind's demo answer from every subject, made hostile where the
    rules let a text be anything."""
    base = load_pack()
    acts = tuple(k.example_activity(items=_items(hostile=True)) for k in KINDS.values())
    session = Session(id="examples", title={"id": "Contoh", "en": "Examples"},
                      start="09:00", end="10:00", activities=acts)
    program = base.program.model_copy(update={"sessions": (session,)})
    pack = base.model_copy(update={"program": program})
    path = tmp_path_factory.mktemp("kinds") / "w.db"
    store = WorkshopStore.create(path, groups=2, seed=3, pack=pack)
    rng = Random(11)
    people = {g.id: [store.join(g.code, f"Peserta {g.number}{n}").id for n in "ab"]
              for g in store.list_groups()}
    owners = store.owners()
    for activity in store.pack.program.activities:
        kind = kind_of(activity)
        items = store.items_of(activity)
        for members in people.values():
            for pid in members[: 1 if activity.scope == "group" else 2]:
                answer = hostile(kind, activity, kind.demo_answer(activity, items, owners, rng),
                                 items, owners)
                if kind.board:
                    store.ask(activity.id, pid, answer["text"], require_open=False)
                else:
                    store.submit(activity.id, pid, answer, require_open=False)
    yield store, people
    store.close()


def hostile(kind: Kind, activity: Any, answer: dict[str, Any], items: Any,
            owners: Any) -> dict[str, Any]:
    """``answer`` with each of its texts made :data:`HOSTILE` where the rules still accept it
    (ids, months and owners stay as they are: the rules refuse anything else there)."""
    out = copy.deepcopy(answer)

    def leaves(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        if isinstance(node, dict):
            return [p for k, v in node.items() for p in leaves(v, (*path, k))]
        if isinstance(node, list):
            return [p for i, v in enumerate(node) for p in leaves(v, (*path, i))]
        return [path] if isinstance(node, str) else []

    for path in leaves(out):
        parent = out
        for part in path[:-1]:
            parent = parent[part]
        before = parent[path[-1]]
        parent[path[-1]] = HOSTILE
        try:
            kind.check(activity, out, items=items, owners=owners)
        except InvalidAnswer:
            parent[path[-1]] = before
    return out


def _activity(store: WorkshopStore, name: str) -> Any:
    return store.activity(f"example-{name}")


# -- the registry ---------------------------------------------------------------------------


def test_the_registry_is_content_kinds_and_activity_models() -> None:
    assert list(KINDS) == list(content.KINDS) == list(ACTIVITY_MODELS)
    assert typing.get_args(content.Kind) == tuple(KINDS)
    for name, kind in KINDS.items():
        assert kind.name == name and kind.model is ACTIVITY_MODELS[name]
        assert kind_of(name) is kind
    with pytest.raises(ValueError, match="scale"):
        kind_of("poll")


def test_every_activity_of_the_shipped_packs_has_its_kind() -> None:
    for program in ("tangsel-elp", "bogor-elp"):
        for activity in load_pack(program).program.activities:
            assert isinstance(activity, kind_of(activity).model)


@pytest.mark.parametrize("name", NAMES)
def test_every_kind_has_every_hook(name: str) -> None:
    kind = KINDS[name]
    assert kind.fields and all(isinstance(f, str) for f in kind.fields)
    for path in (kind.analysis, kind.charts, kind.form, kind.report, kind.sent, kind.live):
        assert callable(load(path)), path
    activity = kind.example_activity()
    assert isinstance(activity, kind.model)
    names = kind.figure_names(activity)
    assert isinstance(names, tuple) and all(isinstance(n, str) for n in names)
    assert kind.comparable(activity, load_pack().program) in (None, "scores", "ideas", "steps")
    if kind.texts is not None:
        assert kind.comparable(activity, load_pack().program) in (None, "ideas", "steps")


def _stored(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``rows`` as the store keeps them: a new entry's placeholder id (``?e000``) becomes its
    stable id (``e00``), as ``WorkshopStore.submit`` gives it."""
    new = sorted({r["item_id"] for r in rows if r["item_id"].startswith(NEW_ENTRY)})
    given = {old: f"{old[1]}{n:02d}" for n, old in enumerate(new)}
    return [{**r, "item_id": given.get(r["item_id"], r["item_id"])} for r in rows]


@pytest.mark.parametrize("name", NAMES)
def test_the_demo_answer_passes_the_rules_and_comes_back_from_its_rows(name: str) -> None:
    kind = KINDS[name]
    owners = tuple(o.id for o in load_pack().city.opds)
    activity = kind.example_activity()
    for seed in range(5):
        answer = kind.demo_answer(activity, activity.items, owners, Random(seed))
        assert set(answer) <= set(kind.fields)
        rows = _stored(kind.check(activity, answer, owners=owners))
        again = kind.to_answer(rows)
        assert kind.check(activity, again, owners=owners) == rows


@pytest.mark.parametrize("name", NAMES)
def test_the_rules_refuse_what_is_not_an_answer(name: str) -> None:
    kind = KINDS[name]
    activity = kind.example_activity()
    for bad in ([1, 2], {"no_such_field": 1}):
        with pytest.raises(InvalidAnswer):
            kind.check(activity, bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", NAMES)
def test_the_forms_value_passes_the_rules(room, name: str) -> None:
    store, people = room
    kind = KINDS[name]
    activity = _activity(store, name)
    items, owners = store.items_of(activity), store.owners()
    answer = kind.demo_answer(activity, items, owners, Random(5))
    cls = kind.form_class()
    if kind.board:
        form = cls(activity, "id", store=store, participant_id=next(iter(people.values()))[0])
    else:
        form = cls(activity, "id", items=items, owners=store.pack.city.opds)
    form.set_value(answer)
    kind.check(activity, form.value, items=items, owners=owners)


@pytest.mark.parametrize("name", NAMES)
def test_figures_are_the_declared_ones_on_no_data_and_on_answers(room, name: str) -> None:
    store, _ = room
    kind = KINDS[name]
    activity = _activity(store, name)
    names = kind.figure_names(activity)
    empty = ActivityData(items=activity.items, all_items=activity.items,
                         owners=store.pack.city.opds)
    for data in (empty, store.activity_data(activity)):
        for projector in (True, False):
            figures = kind.figures(activity, kind.summaries(activity, data), "en",
                                   demo=True, projector=projector)
            assert tuple(figures) == names
    assert store.activity_data(activity).rows  # the answers were there


def _text_of(html: str) -> str:
    return BeautifulSoup(html, "html.parser").get_text()


def _escaped(html: str) -> None:
    """Hostile text shown as text: no markup of its own, every character kept."""
    for raw in ("<script>alert", "</script> =HYPERLINK", "<b>tebal"):
        assert raw not in html  # in a table, and in a chart's JSON inside the page's <script>
    assert HOSTILE in _text_of(html)


@pytest.mark.parametrize("name", NAMES)
def test_the_report_section_escapes_hostile_text(room, name: str) -> None:
    from cityworkshop.report.kinds import Context, generic_section
    from cityworkshop.report.sections import activity_section

    store, _ = room
    activity = _activity(store, name)
    for anonymous in (False, True):
        ctx = Context(store=store, lang="id", anonymous=anonymous, demo=False)
        html = activity_section(ctx, activity)
        assert "cw-section-failed" not in html and "cw-no-answers" not in html
        _escaped(html)
    # the section a kind gets when it declares none of its own
    _escaped(generic_section(ctx, activity, store.activity_data(activity)))


@pytest.mark.parametrize("name", NAMES)
def test_the_sent_summary_escapes_hostile_text(room, name: str) -> None:
    from cityworkshop.participant.summary import generic_lines, sent_html

    store, people = room
    kind = KINDS[name]
    activity = _activity(store, name)
    items = store.items_of(activity)
    pid = next(iter(people.values()))[0]
    if kind.board:
        answer = {"text": store.question_rows(activity.id)[0]["text"]}
    else:
        latest = store.latest_answer(activity.id, pid)
        assert latest is not None
        answer = latest.answer
    owners = {o.id: o.name.get("id") for o in store.pack.city.opds}
    html = sent_html(activity, answer, lang="id", who="Kelompok 1", time="09:30", items=items,
                     owners=owners, about=HOSTILE)
    _escaped(html)
    _, lines = generic_lines(activity, answer, items, "id", owners)
    assert lines and all("<script>alert" not in line for line in lines)


# -- the guard: the registry is the one place a kind is named ------------------------------


# Session kinds (talk, break...) are another vocabulary; notes_table.c.kind is an SQL column.
_OTHER_KINDS = set(typing.get_args(Session.model_fields["kind"].annotation))


def _kind_name_comparisons(path: Path) -> list[str]:
    """Every comparison of ``<x>.kind`` with a string literal (``==``, ``!=``, ``in``,
    ``match``) in ``path``, but of a session's kind or an SQL column's."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    found = []

    def is_kind(node: ast.AST) -> bool:
        return (isinstance(node, ast.Attribute) and node.attr == "kind"
                and not (isinstance(node.value, ast.Attribute) and node.value.attr == "c"))

    def strings(node: ast.AST) -> set[str]:
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            return {node.value}
        if isinstance(node, ast.Tuple | ast.List | ast.Set):
            return set().union(*(strings(e) for e in node.elts)) if node.elts else set()
        if isinstance(node, ast.MatchValue):
            return strings(node.value)
        if isinstance(node, ast.MatchOr):
            return set().union(*(strings(p) for p in node.patterns))
        return set()

    for node in ast.walk(tree):
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            if any(is_kind(s) for s in sides):
                named = set().union(*(strings(s) for s in sides))
                if named - _OTHER_KINDS:
                    found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
        elif isinstance(node, ast.Match) and is_kind(node.subject):
            named = set().union(*(strings(c.pattern) for c in node.cases))
            if named - _OTHER_KINDS:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


def test_no_kind_is_compared_by_name_outside_the_registry() -> None:
    """A new kind must need no edit of a consumer: ask the kind's declaration (``kind_of``,
    its attributes and parts), never ``activity.kind == "..."``."""
    files = [p for folder in ("cityworkshop", "bench")
             for p in sorted((ROOT / folder).rglob("*.py"))
             if "kinds" not in p.relative_to(ROOT).parts[1:2]]
    assert len(files) > 50
    found = [hit for p in files for hit in _kind_name_comparisons(p)]
    assert found == [], "compare with the kind's declaration instead (cityworkshop.kinds):\n" + \
        "\n".join(found)


def test_the_guard_finds_a_comparison_by_name(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(f"{__name__}.ROOT", tmp_path)
    sample = tmp_path / "sample.py"
    sample.write_text(
        'if a.kind == "scale": pass\n'
        'ok = s.kind != "break"\n'
        'sql = notes.c.kind == "pin"\n'
        'if act.kind in ("text", "plan"): pass\n'
        'match a.kind:\n    case "questions": pass\n', encoding="utf-8")
    assert sorted(_kind_name_comparisons(sample)) == ["sample.py:1", "sample.py:4", "sample.py:5"]


def test_a_kind_without_its_rules_is_refused_when_declared() -> None:
    """validate, to_answer and demo_answer are abstract: a new kind that forgets one fails
    where it is declared, not when the first phone answers."""
    from cityworkshop.kinds._base import Kind

    class Half(Kind):
        name = "half"

        def validate(self, activity, answer, items, owners):  # type: ignore[no-untyped-def]
            return []

    with pytest.raises(TypeError, match="to_answer"):
        Half()
