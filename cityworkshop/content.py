"""Content packs: the city profile, criteria frameworks and the program of the day.

The content layer: YAML files in ``data/`` are loaded and validated into frozen pydantic models.
Every problem of every file is collected and reported at once, with file and field
(:class:`~cityworkshop.errors.ContentError`). Imports no Jupyter, widget or plotly module.

>>> pack = load_pack()
>>> pack.program.activity("disruptive-scoring").kind
'scale'
"""

from __future__ import annotations

import contextlib
import datetime as dt
import difflib
import functools
import types
import typing
import zoneinfo
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, ClassVar, Literal

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    model_validator,
)

from .errors import ContentError, NotFound, Problem

__all__ = [
    "ACTIVITY_MODELS",
    "Activity",
    "AnyActivity",
    "City",
    "ContentPack",
    "Criterion",
    "Dimension",
    "Fact",
    "Framework",
    "Item",
    "MatrixActivity",
    "PlanActivity",
    "PointsActivity",
    "Program",
    "QuestionsActivity",
    "ScaleActivity",
    "Session",
    "Text",
    "TextActivity",
    "data_dir",
    "load_pack",
]

Kind = Literal["scale", "text", "matrix", "points", "plan", "questions"]
KINDS = ("scale", "text", "matrix", "points", "plan", "questions")
# Field names that answer rows use for themselves; a scale dimension may not take them.
RESERVED_FIELDS = ("reason", "text", "x", "y", "points", "step")
Scope = Literal["participant", "group"]
SMART_CITY_DIMENSIONS = (
    "smart_governance",
    "smart_branding",
    "smart_economy",
    "smart_living",
    "smart_society",
    "smart_environment",
)
SmartCityDimension = Literal[
    "smart_governance",
    "smart_branding",
    "smart_economy",
    "smart_living",
    "smart_society",
    "smart_environment",
]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# -- checks across fields -------------------------------------------------------------------
#
# Pydantic runs a model's own validator only when all its fields are valid, so a check across
# fields written as a model validator hides behind any field error of that model. The checks are
# therefore plain functions over a dict of parsed field values (``_RULES``), each returning
# (field, message) pairs and skipping whatever did not parse. The model validators call them (a
# model built by hand is checked as before) and the loader calls them itself on every part of a
# file that parsed (``_partial``), so one broken field never hides another problem.

_Found = list[tuple[str, str]]  # (field relative to the model, "" for the model itself; message)


class _RuleError(ValueError):
    """Raised by a model validator for a check across fields; the loader reports these itself."""


def _enforce(rules: Callable[[dict[str, Any]], _Found], model: BaseModel) -> None:
    found = rules(model.model_dump())
    if found:
        raise _RuleError("; ".join(msg for _, msg in found))


def _has(v: dict[str, Any], *names: str) -> bool:
    return all(n in v for n in names)


def _known_timezone(v: str) -> str:
    try:
        zoneinfo.ZoneInfo(v)
    except (KeyError, ValueError, OSError):
        close = difflib.get_close_matches(v, zoneinfo.available_timezones(), n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ValueError(
            f"unknown time zone {v!r}{hint}; use an IANA name such as 'Asia/Jakarta' (WIB), "
            "'Asia/Makassar' (WITA) or 'Asia/Jayapura' (WIT)"
        ) from None
    return v


_HHMM = 'write times as "HH:MM" between "00:00" and "23:59"'


def _clock(v: Any) -> Any:
    # YAML 1.1 reads an unquoted 08:00 as a sexagesimal int (480).
    if isinstance(v, int) and not isinstance(v, bool):
        if not 0 <= v < 24 * 60:
            raise ValueError(_HHMM)
        return dt.time(v // 60, v % 60)
    if not isinstance(v, (str, dt.time)):  # pydantic would read a float as seconds, in UTC
        raise ValueError(_HHMM)
    return v


def _local(v: dt.time) -> dt.time:
    if v.tzinfo is not None:
        raise ValueError("times are in the local time of the city: leave out the UTC offset")
    return v


def _not_reserved(v: str) -> str:
    if v in RESERVED_FIELDS:
        raise ValueError(f"{v!r} is a reserved field name; choose another dimension id")
    return v


Clock = Annotated[dt.time, BeforeValidator(_clock), AfterValidator(_local)]


class Text(_Model):
    """A text in Bahasa Indonesia (``id``) and English (``en``)."""

    id: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, lang: str) -> str:
        """The text in ``lang``; Bahasa Indonesia for any other language."""
        return self.en if lang == "en" else self.id


class Fact(_Model):
    """One fact of the city profile, always with its source and year."""

    key: str = Field(pattern=r"^[a-z0-9_]+$")
    label: Text
    value: Text
    year: int = Field(ge=1900, le=2100)
    source: str = Field(min_length=3)
    url: str | None = None
    verified: bool = True


class City(_Model):
    """A city's profile: name, time zone and facts with sources."""

    id: str = Field(pattern=r"^[a-z0-9-]+$")
    name: str
    short_name: str
    province: str
    timezone: Annotated[str, AfterValidator(_known_timezone)] = "Asia/Jakarta"
    timezone_label: str = "WIB"
    facts: tuple[Fact, ...]
    opds: tuple[Owner, ...] = ()
    opds_source: str | None = None
    # how the guided notebooks name the city's government; default "Pemerintah <name>"
    government: Text | None = None

    def fact(self, key: str) -> Fact:
        for f in self.facts:
            if f.key == key:
                return f
        raise NotFound(f"No fact {key!r} in the profile of {self.name}.")


class Criterion(_Model):
    """One criterion of a framework, tied to a national Smart City dimension."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    name: Text
    description: Text
    question: Text
    smart_city_dimension: SmartCityDimension
    facts: tuple[str, ...] = ()


class Framework(_Model):
    """A set of criteria to score a city against, with the sources it is built on."""

    id: str = Field(pattern=r"^[a-z0-9-]+$")
    name: Text
    description: Text
    sources: tuple[str, ...] = Field(min_length=1)
    criteria: tuple[Criterion, ...] = Field(min_length=2)

    @model_validator(mode="after")
    def _unique_ids(self) -> Framework:
        _enforce(_framework_rules, self)
        return self


class Item(_Model):
    """One thing to answer about (a criterion, an initiative ...)."""

    id: str
    label: Text
    help: Text | None = None


class Dimension(_Model):
    """One dimension a scale item is rated on, e.g. "now" and "target"."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9_]+$"), AfterValidator(_not_reserved)]
    label: Text


class Axis(_Model):
    """One axis of a matrix activity, e.g. impact 1-5."""

    label: Text
    min: int = 1
    max: int = 5
    low: Text | None = None
    high: Text | None = None

    @model_validator(mode="after")
    def _range(self) -> Axis:
        _enforce(_axis_rules, self)
        return self


class Owner(_Model):
    """A unit that can own an action step: an OPD (organisasi perangkat daerah)."""

    id: str = Field(pattern=r"^[a-z0-9_-]+$")
    name: Text


class Activity(_Model):
    """One exercise of the day: a kind, a scope and what to answer.

    The fields every kind has. Each kind has its own model with its own fields
    (:class:`ScaleActivity`, :class:`TextActivity`, :class:`MatrixActivity`,
    :class:`PointsActivity`, :class:`PlanActivity`, :class:`QuestionsActivity`), ``kind`` naming
    which: a points activity always has its budget, a matrix its two axes. ``Activity(**fields)``
    builds the model of ``fields["kind"]``; a program's activities are parsed the same way
    (:data:`AnyActivity`, a union discriminated by ``kind``).
    """

    id: str = Field(pattern=r"^[a-z0-9-]+$")
    kind: Kind
    scope: Scope
    title: Text
    prompt: Text
    items_from: str | None = None  # a framework id: its criteria become the items
    items: tuple[Item, ...] = ()
    items_from_activity: str | None = None  # the current text entries of that activity
    # Peer feedback: each group answers about every other group (never about itself).
    about: Literal["none", "groups"] = "none"

    #: whether the kind answers about items (given, from a framework or from another activity)
    needs_items: ClassVar[bool] = False

    def __new__(cls, *args: Any, **data: Any) -> Any:
        if cls is Activity and data:
            return _ANY_ACTIVITY.validate_python(data)  # the model of data["kind"]
        return super().__new__(cls)

    @model_validator(mode="after")
    def _check(self) -> Activity:
        _enforce(_RULES.get(type(self), _activity_rules), self)
        return self

    @property
    def peer(self) -> bool:
        """Whether each group answers about every other group (``about: groups``)."""
        return self.about == "groups"

    def item(self, item_id: str) -> Item:
        for it in self.items:
            if it.id == item_id:
                return it
        raise NotFound(f"Activity {self.id!r} has no item {item_id!r}.")


def _needed(message: str) -> Callable[[Any], Any]:
    """A field validator: ``message`` when the field is left out (its default is None)."""

    def check(value: Any) -> Any:
        if value is None or (isinstance(value, (list, tuple)) and not value):
            raise ValueError(message)
        return value

    return check


class ScaleActivity(Activity):
    """Rate each item from ``scale_min`` to ``scale_max`` on each dimension, with a reason."""

    kind: Literal["scale"]
    dimensions: Annotated[
        tuple[Dimension, ...],
        BeforeValidator(_needed("a scale activity needs at least one dimension")),
    ] = Field(default=(), validate_default=True)
    scale_min: int = 1
    scale_max: int = 5
    scale_labels: dict[int, Text] = Field(default_factory=dict)
    reason: Literal["none", "optional", "required"] = "optional"
    reason_max_chars: int = Field(default=2000, ge=1, le=20000)

    needs_items: ClassVar[bool] = True


class TextActivity(Activity):
    """Write up to ``max_entries`` short texts, each linked to an item if ``link_items`` asks."""

    kind: Literal["text"]
    max_chars: int = Field(default=500, ge=1, le=20000)
    max_entries: int = Field(default=1, ge=1, le=50)
    link_items: Literal["none", "optional", "required"] = "none"


class MatrixActivity(Activity):
    """Place each item on two axes; ``quadrants`` names the four corners."""

    kind: Literal["matrix"]
    x_axis: Annotated[Axis, BeforeValidator(_needed("a matrix activity needs x_axis and y_axis"))
                      ] = Field(default=None, validate_default=True)
    y_axis: Annotated[Axis, BeforeValidator(_needed("a matrix activity needs x_axis and y_axis"))
                      ] = Field(default=None, validate_default=True)
    quadrants: tuple[Text, ...] = ()  # top-left, top-right, bottom-left, bottom-right

    needs_items: ClassVar[bool] = True


class PointsActivity(Activity):
    """Spread ``budget`` points over the items, at most ``max_per_item`` on one."""

    kind: Literal["points"]
    budget: Annotated[int, BeforeValidator(_needed("a points activity needs a budget")),
                      Field(ge=1, le=1000)] = Field(default=None, validate_default=True)
    max_per_item: int | None = Field(default=None, ge=1)

    needs_items: ClassVar[bool] = True


class PlanActivity(Activity):
    """Add action steps; the items are the phases of the process model, owners the OPDs."""

    kind: Literal["plan"]
    plan_start: str = Field(default="2026-01", pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    plan_months: int = Field(default=36, ge=1, le=120)
    max_steps: int = Field(default=12, ge=1, le=100)
    max_chars: int = Field(default=500, ge=1, le=20000)  # of a step's "what" and KPI

    needs_items: ClassVar[bool] = True


class QuestionsActivity(Activity):
    """Ask the speaker questions and vote others' questions up."""

    kind: Literal["questions"]
    max_chars: int = Field(default=500, ge=1, le=20000)
    # Accepted (and checked) as packs written for the single Activity model had it; the board
    # does not limit how many questions a participant asks.
    max_entries: int = Field(default=1, ge=1, le=50)


AnyActivity = Annotated[
    ScaleActivity | TextActivity | MatrixActivity | PointsActivity | PlanActivity
    | QuestionsActivity,
    Field(discriminator="kind"),
]
"""An activity of any kind, parsed into the model its ``kind`` names."""

ACTIVITY_MODELS: dict[str, type[Activity]] = {
    m.model_fields["kind"].annotation.__args__[0]: m  # type: ignore[union-attr]
    for m in (ScaleActivity, TextActivity, MatrixActivity, PointsActivity, PlanActivity,
              QuestionsActivity)
}
"""Kind name -> the content model of its activities."""

_ANY_ACTIVITY: TypeAdapter[Activity] = TypeAdapter(AnyActivity)


class Session(_Model):
    """One block of the agenda with its start and end time (local time of the city)."""

    id: str = Field(pattern=r"^[a-z0-9-]+$")
    title: Text
    start: Clock
    end: Clock
    kind: Literal["talk", "group_work", "break", "plenary", "closing"] = "talk"
    description: Text | None = None
    notebook: str | None = None
    activities: tuple[AnyActivity, ...] = ()

    @model_validator(mode="after")
    def _order(self) -> Session:
        _enforce(_session_rules, self)
        return self


class Program(_Model):
    """The program of the day: the agenda (sessions) and their activities."""

    id: str = Field(pattern=r"^[a-z0-9-]+$")
    title: Text
    city: str
    audience: Text
    venue: Text
    date: dt.date | None = None  # the day the program is (or was) held, when it is known
    presenter: Text | None = None  # who leads the day
    source: str | None = None  # where venue, date and presenter come from, with its year
    participants_expected: int = Field(ge=1)
    groups_default: int = Field(ge=1, le=50)
    frameworks: tuple[str, ...] = ()
    sessions: tuple[Session, ...] = Field(min_length=1)
    # the guided notebooks' own texts by key (cityworkshop.narrative); a key left out: default
    narrative: dict[str, Text] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _agenda(self) -> Program:
        _enforce(_program_rules, self)
        return self

    @property
    def activities(self) -> tuple[Activity, ...]:
        return tuple(a for s in self.sessions for a in s.activities)

    def activity(self, activity_id: str) -> Activity:
        for a in self.activities:
            if a.id == activity_id:
                return a
        known = ", ".join(a.id for a in self.activities) or "-"
        raise NotFound(key="error.unknown_activity", activity=activity_id, known=known)

    def session_of(self, activity_id: str) -> Session:
        for s in self.sessions:
            if any(a.id == activity_id for a in s.activities):
                return s
        raise NotFound(f"Unknown activity {activity_id!r}.")


class ContentPack(_Model):
    """A program with the city and frameworks it refers to, cross-checked and resolved."""

    program: Program
    city: City
    frameworks: dict[str, Framework]
    files: dict[str, str] = Field(default_factory=dict)  # what -> file path, for messages

    def framework(self, framework_id: str) -> Framework:
        try:
            return self.frameworks[framework_id]
        except KeyError:
            raise NotFound(f"Unknown framework {framework_id!r}.") from None

    def criteria_of(self, activity: Activity) -> tuple[Criterion, ...]:
        """The criteria behind an activity's items (empty if its items are not criteria)."""
        if not activity.items_from:
            return ()
        return self.framework(activity.items_from).criteria


# -- the checks across fields (see the note at the top), registered in _RULES ----------------


def _axis_rules(v: dict[str, Any]) -> _Found:
    if _has(v, "min", "max") and v["min"] >= v["max"]:
        return [("max", f"min ({v['min']}) must be below max ({v['max']})")]
    return []


def _activity_rules(v: dict[str, Any], model: type[Activity] = Activity) -> _Found:
    """The checks every activity has; ``model`` is the model of its kind."""
    out: _Found = []
    has_items: bool | None = None  # None: unknown, one of the sources did not parse
    if _has(v, "items_from", "items", "items_from_activity"):
        sources = [n for n in ("items_from", "items", "items_from_activity") if v[n]]
        if len(sources) > 1:
            out.append((sources[1], "give only one of items_from, items and items_from_activity"))
        has_items = bool(sources)
    if model.needs_items and has_items is False:
        kind = v.get("kind", model.__name__.removesuffix("Activity").lower())
        out.append(("items", f"a {kind} activity needs items, items_from or items_from_activity"))
    if v.get("link_items", "none") != "none" and has_items is False:
        out.append(("link_items", "link_items needs items or items_from to link to"))
    if v.get("about") == "groups" and "scope" in v and v["scope"] != "group":
        out.append(("about", "about: groups needs scope: group"))
    return out


def _scale_rules(v: dict[str, Any]) -> _Found:
    out = _activity_rules(v, ScaleActivity)
    if _has(v, "scale_min", "scale_max") and v["scale_min"] >= v["scale_max"]:
        out.append(("scale_max", f"scale_min ({v['scale_min']}) must be below scale_max "
                                 f"({v['scale_max']})"))
    return out


def _matrix_rules(v: dict[str, Any]) -> _Found:
    out = _activity_rules(v, MatrixActivity)
    if v.get("quadrants") and len(v["quadrants"]) != 4:
        out.append(("quadrants", "quadrants takes exactly 4 names: top-left, top-right, "
                                 "bottom-left, bottom-right"))
    return out


def _kind_rules(model: type[Activity]) -> Callable[[dict[str, Any]], _Found]:
    return lambda v: _activity_rules(v, model)


def _session_rules(v: dict[str, Any]) -> _Found:
    if _has(v, "start", "end") and v["end"] <= v["start"]:
        return [("end", f"end ({v['end']:%H:%M}) must be after start ({v['start']:%H:%M})")]
    return []


def _program_rules(v: dict[str, Any]) -> _Found:
    out: _Found = []
    sessions = [(i, s) for i, s in enumerate(v.get("sessions") or ()) if isinstance(s, dict)]
    timed = [(i, s) for i, s in sessions if _has(s, "start", "end")]
    for (_, a), (j, b) in zip(timed, timed[1:], strict=False):
        if b["start"] < a["end"]:
            out.append((f"sessions[{j}].start",
                        f"session {b.get('id', f'sessions[{j}]')!r} starts at {b['start']:%H:%M}, "
                        f"before {a.get('id', 'the session before')!r} ends at "
                        f"{a['end']:%H:%M}; sessions must follow each other in time"))
    first: dict[str, str] = {}  # id -> where it is used first
    for i, s in sessions:
        where = [(f"sessions[{i}].id", s.get("id"))]
        where += [(f"sessions[{i}].activities[{k}].id", a.get("id"))
                  for k, a in enumerate(s.get("activities") or ()) if isinstance(a, dict)]
        for field, ident in where:
            if not isinstance(ident, str):
                continue
            if ident in first:
                out.append((field, f"id {ident!r} is already used by {first[ident]}; session "
                                   "and activity ids must be unique in the program"))
            else:
                first[ident] = field.removesuffix(".id")
    return out


def _framework_rules(v: dict[str, Any]) -> _Found:
    out: _Found = []
    first: dict[str, int] = {}
    for i, c in enumerate(v.get("criteria") or ()):
        ident = c.get("id") if isinstance(c, dict) else None
        if not isinstance(ident, str):
            continue
        if ident in first:
            out.append((f"criteria[{i}].id", f"criterion id {ident!r} is already used by "
                                             f"criteria[{first[ident]}]; criterion ids must be "
                                             "unique"))
        else:
            first[ident] = i
    return out


_RULES: dict[type[BaseModel], Callable[[dict[str, Any]], _Found]] = {
    Axis: _axis_rules,
    Activity: _activity_rules,
    ScaleActivity: _scale_rules,
    TextActivity: _kind_rules(TextActivity),
    MatrixActivity: _matrix_rules,
    PointsActivity: _kind_rules(PointsActivity),
    PlanActivity: _kind_rules(PlanActivity),
    QuestionsActivity: _kind_rules(QuestionsActivity),
    Session: _session_rules,
    Program: _program_rules,
    Framework: _framework_rules,
}


def data_dir() -> Path:
    """The folder of the content packs: installed beside the package, or ``data/`` of a checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_data", here.parent / "data"):
        if (candidate / "programs").is_dir():
            return candidate
    raise ContentError([Problem(str(here.parent / "data"), "-", "content folder not found")])


class _Loader(yaml.SafeLoader):
    """Safe YAML that notes keys repeated in one mapping (plain YAML keeps the last silently)."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self.repeated: list[tuple[str, int, yaml.Mark]] = []  # key, first line, mark of repeat

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[str, int] = {}
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag.endswith(":merge"):
                continue
            if key_node.value in seen:
                self.repeated.append((key_node.value, seen[key_node.value], key_node.start_mark))
            else:
                seen[key_node.value] = key_node.start_mark.line + 1
        return super().construct_mapping(node, deep)

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except ValueError as e:  # 2026-13-01 looks like a date to YAML but is none
            raise yaml.constructor.ConstructorError(
                None, None, f"{node.value!r} is not a valid date ({e}); put it in quotes if it "
                "is not meant as a date", node.start_mark) from None


_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)


_UNREAD = object()  # what _read_yaml returns for a file it could not read (a problem is noted)


def _at(mark: Any) -> str:
    return f"line {mark.line + 1}, column {mark.column + 1}"


def _read_yaml(path: Path, problems: list[Problem]) -> Any:
    """The YAML content of ``path`` (None for an empty file); ``_UNREAD`` and a problem noted
    when it cannot be read."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        problems.append(Problem(str(path), "-", "file not found"))
        return _UNREAD
    except OSError as e:
        problems.append(Problem(str(path), "-", f"cannot be read: {e.strerror or e}"))
        return _UNREAD
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        column = e.start - (data.rfind(b"\n", 0, e.start) + 1) + 1
        problems.append(Problem(str(path), f"line {line}, column {column}",
                                f"not UTF-8 text: byte 0x{data[e.start]:02x} cannot be read "
                                f"({e.reason}); save the file with the UTF-8 encoding"))
        return _UNREAD
    loader = None
    try:
        loader = _Loader(text)  # checks the characters already
        value = loader.get_single_data()
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        what = e.problem or e.context or "syntax error"
        if e.context and e.problem and e.context_mark:
            what += f" ({e.context}, line {e.context_mark.line + 1})"
        if not isinstance(e, yaml.constructor.ConstructorError):
            what += "; check indentation, quotes and brackets"
        problems.append(Problem(str(path), _at(mark) if mark else "-", f"not valid YAML: {what}"))
        return _UNREAD
    except yaml.reader.ReaderError as e:
        code = e.character if isinstance(e.character, int) else ord(e.character)
        line = text.count("\n", 0, e.position) + 1
        column = e.position - (text.rfind("\n", 0, e.position) + 1) + 1
        problems.append(Problem(str(path), f"line {line}, column {column}",
                                f"not valid YAML: the control character U+{code:04X} is not "
                                "allowed; remove it"))
        return _UNREAD
    except (yaml.YAMLError, ValueError, TypeError, RecursionError) as e:
        problems.append(Problem(str(path), "-", f"not valid YAML: {e}"))
        return _UNREAD
    finally:
        if loader is not None:
            loader.dispose()
    for key, first, mark in sorted(loader.repeated, key=lambda r: (r[2].line, r[2].column)):
        problems.append(Problem(str(path), _at(mark),
                                f"key {key!r} appears twice in one mapping (lines {first} and "
                                f"{mark.line + 1}); YAML keeps only the last: remove or rename "
                                "one"))
    return value


def _field(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "-"


def _join(loc: str, field: str) -> str:
    if not field:
        return loc or "-"
    if not loc or field.startswith("["):
        return loc + field
    return f"{loc}.{field}"


class _Tagged:
    """A field holding one of several content models, chosen by the value of ``tag``."""

    def __init__(self, tag: str, models: dict[str, type[_Model]], base: type[_Model]):
        self.tag, self.models, self.base = tag, models, base

    def pick(self, raw: Any) -> type[_Model]:
        """The model for ``raw`` (the base model when its tag is missing or unknown)."""
        tag = raw.get(self.tag) if isinstance(raw, dict) else None
        return self.models.get(tag, self.base) if isinstance(tag, str) else self.base


_Target = type[_Model] | _Tagged


def _tagged(annotation: Any) -> _Tagged | None:
    """``annotation`` as a :class:`_Tagged` when it is a union discriminated by a field."""
    if typing.get_origin(annotation) is not Annotated:
        return None
    inner, *meta = typing.get_args(annotation)
    tag = next((getattr(m, "discriminator", None) for m in meta
                if isinstance(getattr(m, "discriminator", None), str)), None)
    if tag is None or typing.get_origin(inner) not in (typing.Union, types.UnionType):
        return None
    members = typing.get_args(inner)
    models = {m.model_fields[tag].annotation.__args__[0]: m for m in members}
    base = next(b for b in members[0].__mro__[1:]
                if isinstance(b, type) and issubclass(b, _Model)
                and all(issubclass(m, b) for m in members))
    return _Tagged(tag, models, base)


def _shape(annotation: Any) -> tuple[str, _Target] | None:
    """How a field holds content models: ("one" | "optional" | "many", model), or None; the
    model is a :class:`_Tagged` for a union discriminated by a field (``AnyActivity``)."""

    def model(t: Any) -> _Target | None:
        if isinstance(t, type) and issubclass(t, _Model):
            return t
        return _tagged(t)

    found = model(annotation)
    if found is not None:
        return "one", found
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin in (typing.Union, types.UnionType):
        rest = [a for a in args if a is not type(None)]
        if len(rest) == 1 and len(args) == 2 and (found := model(rest[0])) is not None:
            return "optional", found
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        found = model(args[0])
        if found is not None:
            return "many", found
    return None


def _pick(target: _Target, raw: Any) -> type[_Model]:
    return target.pick(raw) if isinstance(target, _Tagged) else target


@functools.cache
def _adapter(model: type[_Model], name: str) -> TypeAdapter[Any]:
    info = model.model_fields[name]
    # a field's annotation is a type form only pydantic evaluates (a union, Annotated, ...)
    annotation: Any = info.annotation
    if info.metadata:
        annotation = Annotated[annotation, *info.metadata]
    return TypeAdapter(annotation)


def _partial(model: type[_Model], raw: dict[str, Any], loc: str, found: _Found) -> dict[str, Any]:
    """The fields of ``raw`` that are valid on their own, parsed (content models as such dicts);
    a field left out of ``raw`` takes its default, a broken or missing required one is absent.

    Runs the checks across fields of ``model`` and of every model inside it on what parsed and
    adds what they find to ``found``, with fields relative to the file.
    """
    tree: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        where = _join(loc, name)
        if name not in raw:
            if not info.is_required():
                tree[name] = info.get_default(call_default_factory=True)
            continue
        value, shape = raw[name], _shape(info.annotation)
        if shape is None:
            with contextlib.suppress(ValidationError):
                tree[name] = _adapter(model, name).validate_python(value)
        elif shape[0] == "many":
            if isinstance(value, list):
                tree[name] = [_partial(_pick(shape[1], x), x, f"{where}[{i}]", found)
                              if isinstance(x, dict) else None for i, x in enumerate(value)]
        elif isinstance(value, dict):
            tree[name] = _partial(_pick(shape[1], value), value, where, found)
        elif value is None and shape[0] == "optional":
            tree[name] = None
    rules = _RULES.get(model)
    if rules is not None:
        found += [(_join(loc, field), msg) for field, msg in rules(tree)]
    return tree


def _resolve(model: type[_Model], loc: tuple[Any, ...]) -> tuple[tuple[Any, ...],
                                                                 type[_Model] | None]:
    """``loc`` of a pydantic error without the tags of discriminated unions (pydantic puts
    ``'points'`` between ``activities, 2`` and ``budget``), and the content model that holds
    its last field (None when it is not one)."""
    out: list[Any] = []
    owner: type[_Model] | None = model
    target: _Target | None = model
    parts = list(loc)
    for n, part in enumerate(parts):
        if isinstance(part, int):
            out.append(part)
            continue
        if isinstance(target, _Tagged):
            if part in target.models:
                target = owner = target.models[part]
                continue
            target = owner = target.base
        out.append(part)
        if n == len(parts) - 1:
            break
        current = _pick(target, None) if target is not None else None
        info = current.model_fields.get(part) if current is not None else None
        shape = _shape(info.annotation) if info else None
        target = shape[1] if shape else None
        owner = target if isinstance(target, type) else (target.base if target else None)
    return tuple(out), owner


def _model_at(model: type[_Model], loc: tuple[Any, ...]) -> type[_Model] | None:
    """The content model that holds the last field of ``loc`` (a pydantic error's)."""
    return _resolve(model, loc)[1]


def _quoted(names: typing.Iterable[str]) -> str:
    names = [repr(n) for n in names]
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def _at_loc(raw: Any, loc: tuple[Any, ...]) -> Any:
    """The part of the raw file at a pydantic error's ``loc`` (tags of unions skipped)."""
    for part in loc:
        if (isinstance(part, int) and isinstance(raw, list) and 0 <= part < len(raw)) or (
                isinstance(raw, dict) and part in raw):
            raw = raw[part]
        elif not isinstance(part, int) and isinstance(raw, dict):
            continue  # a union's tag
        else:
            return None
    return raw


def _tag_problems(err: Any, model: type[_Model], raw: Any, path: Path) -> list[Problem]:
    """An activity whose ``kind`` is missing or unknown: that, and the problems of the fields
    every kind has (pydantic checks none of them without a kind)."""
    loc, owner = _resolve(model, tuple(err["loc"]))
    where = _field(loc)
    tag = (err.get("ctx") or {}).get("tag")
    if err["type"] == "union_tag_not_found":
        out = [Problem(str(path), _join(where, "kind"), "this field is required; write one of "
                                                       f"{_quoted(ACTIVITY_MODELS)}")]
    else:
        out = [Problem(str(path), _join(where, "kind"),
                       f"Input should be {_quoted(ACTIVITY_MODELS)} (found {tag!r:.40})")]
    part = _at_loc(raw, loc)
    base = Activity if owner is None else owner
    if isinstance(part, dict):
        for name, info in base.model_fields.items():
            if name == "kind" or name not in part:
                if name != "kind" and info.is_required():
                    out.append(Problem(str(path), _join(where, name), "this field is required"))
                continue
            try:
                _adapter(base, name).validate_python(part[name])
            except ValidationError as e:
                for sub in e.errors():
                    out.append(Problem(str(path), _join(where, name + (
                        "." + _field(tuple(sub["loc"])) if sub["loc"] else "")),
                        sub["msg"].removeprefix("Value error, ")))
    return out


def _kind_of(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    return f"a single value ({value!r:.40})"


def _validate(model: type[_Model], raw: Any, path: Path,
              problems: list[Problem]) -> tuple[Any, dict[str, Any] | None]:
    """``raw`` as a ``model``, and as a dict of what parsed (for the checks across files).

    On failure the model is None and every problem is in ``problems``: each field error, and
    each check across fields that pydantic skipped because a field of its model was broken.
    """
    if raw is _UNREAD:
        return None, None
    what = model.__name__.lower()
    required = ", ".join(n for n, f in model.model_fields.items() if f.is_required())
    if raw is None:
        problems.append(Problem(str(path), "-", f"file is empty: expected a {what} with at least "
                                                f"the fields {required}"))
        return None, None
    if not isinstance(raw, dict):
        problems.append(Problem(str(path), "-", f"expected a mapping of fields at the top level "
                                                f"(such as 'id: ...'), found {_kind_of(raw)}; a "
                                                f"{what} needs at least {required}"))
        return None, None
    try:
        obj = model.model_validate(raw)
    except ValidationError as e:
        errors = e.errors()
    else:
        return obj, obj.model_dump()
    before = len(problems)
    for err in errors:
        if isinstance((err.get("ctx") or {}).get("error"), _RuleError):
            continue  # a check across fields: reported below, with the others pydantic skipped
        if err["type"] in ("union_tag_invalid", "union_tag_not_found"):
            problems += _tag_problems(err, model, raw, path)
            continue
        loc, owner = _resolve(model, tuple(p for p in err["loc"]
                                           if p not in ("function-after", "function-before")))
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "missing":
            msg = "this field is required"
        elif err["type"] == "extra_forbidden":
            close = difflib.get_close_matches(str(loc[-1]), list(owner.model_fields), n=1) \
                if owner and loc else []
            msg = "unknown field (check its spelling" + (
                f"; did you mean {close[0]!r}?)" if close else ")")
            others = [k for k, m in ACTIVITY_MODELS.items()
                      if m is not owner and loc and loc[-1] in m.model_fields]
            if owner in ACTIVITY_MODELS.values() and others and not close:
                kind = owner.model_fields["kind"].annotation.__args__[0]  # type: ignore[union-attr]
                msg = (f"unknown field for a {kind} activity: {loc[-1]!r} belongs to "
                       f"{_quoted(others)} activities; remove it or correct the kind")
        elif err["type"] != "value_error" and not isinstance(err["input"], (dict, list)):
            msg += f" (found {err['input']!r:.60})"
        problems.append(Problem(str(path), _field(loc), msg))
    found: _Found = []
    tree = _partial(model, raw, "", found)
    problems += [Problem(str(path), field, msg) for field, msg in found]
    if len(problems) == before:  # never leave a broken file without a problem
        problems += [Problem(str(path), _field(_resolve(model, tuple(err["loc"]))[0]), err["msg"])
                     for err in errors]
    return None, tree


def _reference_problems(tree: dict[str, Any], fw_ids: list[str] | None, path: Path,
                        problems: list[Problem]) -> None:
    """What the activities of a program refer to: listed frameworks and earlier activities."""
    acts = [(f"sessions[{i}].activities[{k}]", a)
            for i, s in enumerate(tree.get("sessions") or ()) if isinstance(s, dict)
            for k, a in enumerate(s.get("activities") or ()) if isinstance(a, dict)]
    earlier: set[str] = set()
    for where, a in acts:
        src = a.get("items_from")
        if isinstance(src, str) and fw_ids is not None and src not in fw_ids:
            listed = ", ".join(fw_ids) or "none"
            problems.append(Problem(str(path), f"{where}.items_from",
                                    f"framework {src!r} is not listed in the program's "
                                    f"frameworks (listed: {listed}); add it there or correct "
                                    "the id"))
        src = a.get("items_from_activity")
        if isinstance(src, str) and src not in earlier:
            problems.append(Problem(str(path), f"{where}.items_from_activity",
                                    f"{src!r} must be the id of an earlier activity of the "
                                    "program"))
        if isinstance(a.get("id"), str):
            earlier.add(a["id"])


def load_pack(program: str = "tangsel-elp", *, root: Path | str | None = None) -> ContentPack:
    """Load and validate a program with its city and frameworks.

    Every file is read and checked even when an earlier one is broken, and every part of a file
    even when another part is broken, so that one error lists every problem.

    Parameters
    ----------
    program
        The program id: the file ``programs/<program>.yaml`` under ``root``.
    root
        The content folder; default :func:`data_dir`.

    Raises
    ------
    ContentError
        Listing every problem of every file, each with file and field.
    """
    base = Path(root) if root is not None else data_dir()
    problems: list[Problem] = []
    prog_path = base / "programs" / f"{program}.yaml"
    files = {"program": str(prog_path)}
    if not prog_path.is_file():
        known = sorted(p.stem for p in (base / "programs").glob("*.yaml"))
        raise ContentError([Problem(str(prog_path), "-", f"file not found: no program "
                                    f"{program!r} in {base / 'programs'} (programs there: "
                                    f"{', '.join(known) or 'none'})")])
    raw_prog = _read_yaml(prog_path, problems)
    prog, tree = _validate(Program, raw_prog, prog_path, problems)
    tree = tree or {}
    city_id = tree.get("city")
    listed = tree.get("frameworks")  # absent when the list itself is broken
    fw_ids = list(listed) if listed is not None else None
    _reference_problems(tree, fw_ids, prog_path, problems)

    city = None
    fact_keys: set[str] | None = None
    if isinstance(city_id, str):
        city_path = base / "cities" / f"{city_id}.yaml"
        files["city"] = str(city_path)
        if not city_path.exists():
            problems.append(Problem(str(prog_path), "city", f"city {city_id!r} has no profile: "
                                    f"file {city_path} not found; add it or correct the city"))
        else:
            raw_city = _read_yaml(city_path, problems)
            city, city_tree = _validate(City, raw_city, city_path, problems)
            if isinstance(raw_city, dict) and isinstance(raw_city.get("facts"), list):
                fact_keys = {f["key"] for f in raw_city["facts"]
                             if isinstance(f, dict) and isinstance(f.get("key"), str)}
            cid = (city_tree or {}).get("id")
            if isinstance(cid, str) and cid != city_id:
                problems.append(Problem(str(city_path), "id", f"is {cid!r}, expected "
                                        f"{city_id!r} (the program's city and the file name)"))

    frameworks: dict[str, Framework] = {}
    listed_ids = fw_ids or []
    for n, fid in enumerate(listed_ids):
        if fid in listed_ids[:n]:
            problems.append(Problem(str(prog_path), f"frameworks[{n}]",
                                    f"framework {fid!r} is listed twice; list it once"))
            continue
        fw_path = base / "frameworks" / f"{fid}.yaml"
        files[f"framework:{fid}"] = str(fw_path)
        if not fw_path.exists():
            problems.append(Problem(str(prog_path), f"frameworks[{n}]",
                                    f"framework {fid!r} not found: no file {fw_path}; add it or "
                                    "correct the id"))
            continue
        raw_fw = _read_yaml(fw_path, problems)
        fw, fw_tree = _validate(Framework, raw_fw, fw_path, problems)
        fw_tree = fw_tree or {}
        if fact_keys is not None:
            for i, c in enumerate(fw_tree.get("criteria") or ()):
                for k, key in enumerate((c or {}).get("facts") or ()):
                    if key not in fact_keys:
                        problems.append(Problem(
                            str(fw_path), f"criteria[{i}].facts[{k}]",
                            f"unknown fact {key!r}: the city profile {files['city']} has no fact "
                            "with this key; add the fact there or correct the key"))
        if isinstance(fw_tree.get("id"), str) and fw_tree["id"] != fid:
            problems.append(Problem(str(fw_path), "id", f"is {fw_tree['id']!r}, expected "
                                    f"{fid!r} (the id the program lists and the file name)"))
        if fw is not None:
            frameworks[fid] = fw

    if problems or prog is None or city is None or len(frameworks) != len(prog.frameworks):
        if not problems:  # cannot happen; never raise an error that lists nothing
            problems.append(Problem(str(prog_path), "-", "the pack could not be loaded"))
        raise ContentError(problems)

    # Resolve items_from into items so that every later layer sees plain items.
    resolved = []
    for s in prog.sessions:
        acts = []
        for a in s.activities:
            if a.items_from:
                fw = frameworks[a.items_from]
                items = tuple(Item(id=c.id, label=c.name, help=c.question) for c in fw.criteria)
                a = a.model_copy(update={"items": items})
            acts.append(a)
        resolved.append(s.model_copy(update={"activities": tuple(acts)}))
    prog = prog.model_copy(update={"sessions": tuple(resolved)})
    return ContentPack(program=prog, city=city, frameworks=frameworks, files=files)
