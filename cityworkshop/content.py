"""Content packs: the city profile, criteria frameworks and the program of the day.

The content layer: YAML files in ``data/`` are loaded and validated into frozen pydantic models.
Every problem of every file is collected and reported at once, with file and field
(:class:`~cityworkshop.errors.ContentError`). Imports no Jupyter, widget or plotly module.

>>> pack = load_pack()
>>> pack.program.activity("disruptive-scoring").kind
'scale'
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from .errors import ContentError, NotFound, Problem

__all__ = [
    "Activity",
    "City",
    "ContentPack",
    "Criterion",
    "Dimension",
    "Fact",
    "Framework",
    "Item",
    "Program",
    "Session",
    "Text",
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
    timezone: str = "Asia/Jakarta"
    timezone_label: str = "WIB"
    facts: tuple[Fact, ...]
    opds: tuple[Owner, ...] = ()
    opds_source: str | None = None

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
        ids = [c.id for c in self.criteria]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(f"criterion ids must be unique; repeated: {', '.join(dup)}")
        return self


class Item(_Model):
    """One thing to answer about (a criterion, an initiative ...)."""

    id: str
    label: Text
    help: Text | None = None


class Dimension(_Model):
    """One dimension a scale item is rated on, e.g. "now" and "target"."""

    id: str = Field(pattern=r"^[a-z0-9_]+$")
    label: Text

    @field_validator("id")
    @classmethod
    def _not_reserved(cls, v: str) -> str:
        if v in RESERVED_FIELDS:
            raise ValueError(f"{v!r} is a reserved field name; choose another dimension id")
        return v


class Axis(_Model):
    """One axis of a matrix activity, e.g. impact 1-5."""

    label: Text
    min: int = 1
    max: int = 5
    low: Text | None = None
    high: Text | None = None

    @model_validator(mode="after")
    def _range(self) -> Axis:
        if self.min >= self.max:
            raise ValueError(f"min ({self.min}) must be below max ({self.max})")
        return self


class Owner(_Model):
    """A unit that can own an action step: an OPD (organisasi perangkat daerah)."""

    id: str = Field(pattern=r"^[a-z0-9_-]+$")
    name: Text


class Activity(_Model):
    """One exercise of the day: a kind, a scope and what to answer."""

    id: str = Field(pattern=r"^[a-z0-9-]+$")
    kind: Kind
    scope: Scope
    title: Text
    prompt: Text
    items_from: str | None = None  # a framework id: its criteria become the items
    items: tuple[Item, ...] = ()
    dimensions: tuple[Dimension, ...] = ()
    scale_min: int = 1
    scale_max: int = 5
    scale_labels: dict[int, Text] = Field(default_factory=dict)
    reason: Literal["none", "optional", "required"] = "optional"
    reason_max_chars: int = Field(default=2000, ge=1, le=20000)
    # Peer feedback: each group answers about every other group (never about itself).
    about: Literal["none", "groups"] = "none"
    # text and questions
    max_chars: int = Field(default=500, ge=1, le=20000)
    max_entries: int = Field(default=1, ge=1, le=50)
    link_items: Literal["none", "optional", "required"] = "none"
    # matrix
    x_axis: Axis | None = None
    y_axis: Axis | None = None
    quadrants: tuple[Text, ...] = ()  # top-left, top-right, bottom-left, bottom-right
    # points
    budget: int | None = Field(default=None, ge=1, le=1000)
    max_per_item: int | None = Field(default=None, ge=1)
    items_from_activity: str | None = None  # the current text entries of that activity
    # plan: items are the phases of the process model; owners are the city's OPDs
    plan_start: str = Field(default="2026-01", pattern=r"^\d{4}-(0[1-9]|1[0-2])$")
    plan_months: int = Field(default=36, ge=1, le=120)
    max_steps: int = Field(default=12, ge=1, le=100)

    @model_validator(mode="after")
    def _check(self) -> Activity:
        sources = [x for x in (self.items_from, self.items, self.items_from_activity) if x]
        if len(sources) > 1:
            raise ValueError("give only one of items_from, items and items_from_activity")
        has_items = bool(sources)
        if self.kind in ("scale", "matrix", "points", "plan") and not has_items:
            raise ValueError(f"a {self.kind} activity needs items, items_from or "
                             "items_from_activity")
        if self.kind == "scale":
            if not self.dimensions:
                raise ValueError("a scale activity needs at least one dimension")
            if self.scale_min >= self.scale_max:
                raise ValueError(
                    f"scale_min ({self.scale_min}) must be below scale_max ({self.scale_max})"
                )
        if self.kind == "matrix":
            if self.x_axis is None or self.y_axis is None:
                raise ValueError("a matrix activity needs x_axis and y_axis")
            if self.quadrants and len(self.quadrants) != 4:
                raise ValueError("quadrants takes exactly 4 names: top-left, top-right, "
                                 "bottom-left, bottom-right")
        if self.kind == "points" and self.budget is None:
            raise ValueError("a points activity needs a budget")
        if self.link_items != "none" and not has_items:
            raise ValueError("link_items needs items or items_from to link to")
        if self.about == "groups" and self.scope != "group":
            raise ValueError("about: groups needs scope: group")
        return self

    def item(self, item_id: str) -> Item:
        for it in self.items:
            if it.id == item_id:
                return it
        raise NotFound(f"Activity {self.id!r} has no item {item_id!r}.")


class Session(_Model):
    """One block of the agenda with its start and end time (local time of the city)."""

    id: str = Field(pattern=r"^[a-z0-9-]+$")
    title: Text
    start: dt.time
    end: dt.time
    kind: Literal["talk", "group_work", "break", "plenary", "closing"] = "talk"
    description: Text | None = None
    notebook: str | None = None
    activities: tuple[Activity, ...] = ()

    @field_validator("start", "end", mode="before")
    @classmethod
    def _parse_time(cls, v: Any) -> Any:
        if isinstance(v, int):  # YAML reads 08:00 as a sexagesimal int (480)
            return dt.time(v // 60, v % 60)
        return v

    @model_validator(mode="after")
    def _order(self) -> Session:
        if self.end <= self.start:
            raise ValueError(
                f"end ({self.end:%H:%M}) must be after start ({self.start:%H:%M})"
            )
        return self


class Program(_Model):
    """The program of the day: the agenda (sessions) and their activities."""

    id: str = Field(pattern=r"^[a-z0-9-]+$")
    title: Text
    city: str
    audience: Text
    venue: Text
    participants_expected: int = Field(ge=1)
    groups_default: int = Field(ge=1, le=50)
    frameworks: tuple[str, ...] = ()
    sessions: tuple[Session, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _agenda(self) -> Program:
        for a, b in zip(self.sessions, self.sessions[1:], strict=False):
            if b.start < a.end:
                raise ValueError(
                    f"session {b.id!r} starts at {b.start:%H:%M}, before {a.id!r} ends "
                    f"at {a.end:%H:%M}"
                )
        ids = [s.id for s in self.sessions] + [a.id for a in self.activities]
        dup = sorted({i for i in ids if ids.count(i) > 1})
        if dup:
            raise ValueError(f"session and activity ids must be unique; repeated: {', '.join(dup)}")
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


def data_dir() -> Path:
    """The folder of the content packs: installed beside the package, or ``data/`` of a checkout."""
    here = Path(__file__).resolve().parent
    for candidate in (here / "_data", here.parent / "data"):
        if (candidate / "programs").is_dir():
            return candidate
    raise ContentError([Problem(str(here.parent / "data"), "-", "content folder not found")])


def _read_yaml(path: Path, problems: list[Problem]) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        problems.append(Problem(str(path), "-", "file not found"))
        return None
    except UnicodeDecodeError as e:
        problems.append(Problem(str(path), "-", f"not UTF-8 text ({e.reason} at byte {e.start})"))
        return None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "-"
        problems.append(Problem(str(path), where, f"not valid YAML: {getattr(e, 'problem', e)}"))
        return None


def _field(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out or "-"


def _validate(model: type[_Model], raw: Any, path: Path, problems: list[Problem]) -> Any:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        problems.append(Problem(str(path), "-", "expected a mapping of fields at the top level"))
        return None
    try:
        return model.model_validate(raw)
    except ValidationError as e:
        for err in e.errors():
            loc = tuple(p for p in err["loc"] if p not in ("function-after",))
            msg = err["msg"].removeprefix("Value error, ")
            if err["type"] == "missing":
                msg = "this field is required"
            elif err["type"] == "extra_forbidden":
                msg = "unknown field (check its spelling)"
            problems.append(Problem(str(path), _field(loc), msg))
        return None


def _agenda_problems(sessions: list[Session], path: Path, problems: list[Problem]) -> None:
    """Order and unique ids of sessions, checked on the sessions that are valid on their own.

    Pydantic skips a model's own validator when one of its fields failed, so these checks run
    here too: a broken field elsewhere in the program must not hide an overlap.
    """
    for a, b in zip(sessions, sessions[1:], strict=False):
        if b.start < a.end:
            problems.append(Problem(str(path), "sessions", f"session {b.id!r} starts at "
                                    f"{b.start:%H:%M}, before {a.id!r} ends at {a.end:%H:%M}"))
    ids = [s.id for s in sessions] + [a.id for s in sessions for a in s.activities]
    dup = sorted({i for i in ids if ids.count(i) > 1})
    if dup:
        problems.append(Problem(str(path), "sessions", "session and activity ids must be unique; "
                                f"repeated: {', '.join(dup)}"))


def load_pack(program: str = "tangsel-elp", *, root: Path | str | None = None) -> ContentPack:
    """Load and validate a program with its city and frameworks.

    Every file is read and checked even when an earlier one is broken, so that one error lists
    every problem.

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
    raw_prog = _read_yaml(prog_path, problems)
    prog = _validate(Program, raw_prog, prog_path, problems)
    rp: dict[str, Any] = raw_prog if isinstance(raw_prog, dict) else {}
    city_id = prog.city if prog else rp.get("city")
    fw_ids = list(prog.frameworks) if prog else [
        f for f in (rp.get("frameworks") or []) if isinstance(f, str)]

    # Sessions that are valid on their own: for the agenda checks and items_from.
    sessions: list[tuple[int, Session]] = []
    for si, raw_s in enumerate(rp.get("sessions") or []):
        try:
            sessions.append((si, Session.model_validate(raw_s)))
        except ValidationError:
            pass  # reported by the Program validation above
    _agenda_problems([s for _, s in sessions], prog_path, problems)
    activity_ids = [a.id for _, s in sessions for a in s.activities]
    for si, s in sessions:
        for ai, a in enumerate(s.activities):
            if a.items_from and a.items_from not in fw_ids:
                problems.append(Problem(
                    str(prog_path), f"sessions[{si}].activities[{ai}].items_from",
                    f"framework {a.items_from!r} is not listed in the program's frameworks"))
            src = a.items_from_activity
            if src and (src not in activity_ids or activity_ids.index(src) >= activity_ids.index(a.id)):
                problems.append(Problem(
                    str(prog_path), f"sessions[{si}].activities[{ai}].items_from_activity",
                    f"{src!r} must be the id of an earlier activity of the program"))

    files = {"program": str(prog_path)}
    city = None
    fact_keys: set[str] | None = None
    if isinstance(city_id, str):
        city_path = base / "cities" / f"{city_id}.yaml"
        files["city"] = str(city_path)
        raw_city = _read_yaml(city_path, problems)
        city = _validate(City, raw_city, city_path, problems)
        if isinstance(raw_city, dict):
            fact_keys = {f.get("key") for f in raw_city.get("facts") or [] if isinstance(f, dict)}
        if city is not None and city.id != city_id:
            problems.append(Problem(str(city_path), "id", f"is {city.id!r}, expected {city_id!r}"))

    frameworks: dict[str, Framework] = {}
    for fid in fw_ids:
        fw_path = base / "frameworks" / f"{fid}.yaml"
        files[f"framework:{fid}"] = str(fw_path)
        raw_fw = _read_yaml(fw_path, problems)
        fw = _validate(Framework, raw_fw, fw_path, problems)
        if isinstance(raw_fw, dict) and fact_keys is not None:
            for i, c in enumerate(raw_fw.get("criteria") or []):
                for key in (c.get("facts") or []) if isinstance(c, dict) else []:
                    if key not in fact_keys:
                        problems.append(Problem(str(fw_path), f"criteria[{i}].facts",
                                                f"unknown fact {key!r}"))
        if fw is None:
            continue
        if fw.id != fid:
            problems.append(Problem(str(fw_path), "id", f"is {fw.id!r}, expected {fid!r}"))
        frameworks[fid] = fw

    if problems or prog is None or city is None:
        # The model's own validator and the checks above may both report one overlap.
        unique = {(p.file, p.message): p for p in reversed(problems)}
        raise ContentError(list(reversed(unique.values())))

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
