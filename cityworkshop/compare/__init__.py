"""Compare two workshops: next year's follow-up, or two cities on the same framework.

Report layer (beside :mod:`cityworkshop.report`, whose page and escaping it reuses; it reads two
stores and never writes to them). :func:`compare_workshops` sets workshop A and workshop B side
by side: the shift of every scale score (now and target of the framework's criteria, urgency,
peer ratings, satisfaction) for the room and for groups of the same name, each with its spread;
the ideas and plan steps of A that came back in B. :func:`write_compare` writes it as one
self-contained offline HTML page, like the report. Only what both workshops share is compared;
what could not be compared is listed, and two workshops whose frameworks share no criterion are
refused (:class:`CompareError`).

>>> with WorkshopStore("2025.db") as a, WorkshopStore("2026.db") as b:  # doctest: +SKIP
...     write_compare(a, b, "compare.html", lang="id")
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import CityWorkshopError
from ._scores import NOISE_SE, SMALL_N, about_groups, gap_shifts, scale_shifts
from ._texts import THRESHOLD, match_texts, text_similarity

if TYPE_CHECKING:
    import pandas as pd

    from ..content import Activity, ContentPack
    from ..store import WorkshopStore

__all__ = [
    "NOISE_SE",
    "SMALL_N",
    "THRESHOLD",
    "CompareError",
    "Comparison",
    "ScaleShift",
    "Side",
    "build_compare",
    "compare_workshops",
    "match_texts",
    "scale_shifts",
    "text_similarity",
    "write_compare",
]


class CompareError(CityWorkshopError, ValueError):
    """The two workshops cannot be compared: their frameworks share no criterion."""


@dataclass(frozen=True)
class Side:
    """What one of the two workshops is: shown at the top of the comparison."""

    label: str  # "A" or "B"
    path: str
    program_title: Any  # content Text
    city: str
    day: dt.date
    participants: int
    groups: tuple[str, ...]
    is_demo: bool
    frameworks: tuple[str, ...]


@dataclass(frozen=True)
class ScaleShift:
    """One scale activity compared: the shared criteria and dimensions, and the shifts."""

    activity_a: Activity
    activity_b: Activity
    items: tuple[str, ...]
    items_only_a: tuple[str, ...]
    items_only_b: tuple[str, ...]
    dimensions: tuple[str, ...]
    dimensions_only_a: tuple[str, ...]
    dimensions_only_b: tuple[str, ...]
    room: pd.DataFrame  # scale_shifts(by item_id, field)
    groups: pd.DataFrame  # scale_shifts(by group, item_id, field), groups of the same name
    gaps: pd.DataFrame | None  # gap_shifts, for activities scored now and target
    answers: tuple[int, int]  # subjects who answered, in A and in B

    @property
    def has_now_target(self) -> bool:
        return {"now", "target"} <= set(self.dimensions)


@dataclass(frozen=True)
class Comparison:
    """Workshop A and workshop B side by side (:func:`compare_workshops`)."""

    a: Side
    b: Side
    scales: tuple[ScaleShift, ...]
    scales_only_a: tuple[Activity, ...]
    scales_only_b: tuple[Activity, ...]
    groups_shared: tuple[str, ...]
    groups_only_a: tuple[str, ...]
    groups_only_b: tuple[str, ...]
    ideas: pd.DataFrame  # match_texts of the ideas
    ideas_count: tuple[int, int]
    steps: pd.DataFrame  # match_texts of the plan steps ("what")
    steps_count: tuple[int, int]
    threshold: float = THRESHOLD

    @property
    def satisfaction(self) -> ScaleShift | None:
        """The satisfaction activity compared (id ``satisfaction``), if both have it."""
        for s in self.scales:
            if s.activity_a.id == "satisfaction":
                return s
        return None


class _Rows:
    """Each activity's current answer rows of one store, read once, texts cleaned."""

    def __init__(self, store: WorkshopStore):
        self.store = store
        self._rows: dict[str, list[dict[str, Any]]] = {}
        self._cache: dict[str, pd.DataFrame] = {}
        self.first: str | None = None

    def rows(self, activity_id: str) -> list[dict[str, Any]]:
        from ..report.html import clean_rows

        if activity_id not in self._rows:
            rows = clean_rows(self.store.answer_rows(activity_id))
            if rows:
                first = min(str(r["created_at"]) for r in rows)
                self.first = first if self.first is None else min(self.first, first)
            self._rows[activity_id] = rows
        return self._rows[activity_id]

    def frame(self, activity_id: str) -> pd.DataFrame:
        from ..analysis import answers_frame

        if activity_id not in self._cache:
            self._cache[activity_id] = answers_frame(self.rows(activity_id))
        return self._cache[activity_id]


def _pairs(pa: ContentPack, pb: ContentPack
           ) -> tuple[list[tuple[Activity, Activity]], list[Activity], list[Activity]]:
    """Scale activities of A and B paired: by id, then by the framework their items come from."""
    sa, sb = _compared(pa, "scores"), _compared(pb, "scores")
    by_id = {b.id: b for b in sb}
    pairs: list[tuple[Activity, Activity]] = []
    left_a: list[Activity] = []
    used: set[str] = set()
    for a in sa:
        if a.id in by_id:
            pairs.append((a, by_id[a.id]))
            used.add(a.id)
        else:
            left_a.append(a)
    left_b = [b for b in sb if b.id not in used]
    only_a: list[Activity] = []
    for a in left_a:
        match = next((b for b in left_b if a.items_from and b.items_from == a.items_from), None)
        if match is None:
            only_a.append(a)
        else:
            pairs.append((a, match))
            left_b.remove(match)
    return pairs, only_a, left_b


def _compared(pack: ContentPack, role: str) -> list[Activity]:
    """The activities whose kind compares them as ``role`` (:meth:`Kind.comparable
    <cityworkshop.kinds.Kind.comparable>`): ``"scores"``, ``"ideas"`` or ``"steps"``."""
    from ..kinds import kind_of

    program = pack.program
    return [a for a in program.activities if kind_of(a).comparable(a, program) == role]


def _shared(xs: Sequence[str], ys: Sequence[str]) -> tuple[tuple[str, ...], ...]:
    sy, sx = set(ys), set(xs)
    return (tuple(x for x in xs if x in sy), tuple(x for x in xs if x not in sy),
            tuple(y for y in ys if y not in sx))


def _side(label: str, store: WorkshopStore, rows: _Rows) -> Side:
    from ..report.html import clean_name, local

    first = rows.first or store.info().created_at
    return Side(label=label, path=str(store.path), program_title=store.pack.program.title,
                city=store.pack.city.name, day=local(store, first).date(),
                participants=len(store.list_participants()),
                groups=tuple(clean_name(g.name) for g in store.list_groups()),
                is_demo=store.info().is_demo,
                frameworks=tuple(store.pack.program.frameworks))


def _texts(pack: ContentPack, rows: _Rows, kind: str) -> pd.DataFrame:
    """Ideas (``kind="ideas"``: text activities of the groups, or those a points activity draws
    its items from) or plan steps (``"steps"``: their ``what``), as ``text``, ``group``: each
    activity's texts as its kind names them (:attr:`Kind.texts <cityworkshop.kinds.Kind.texts>`)."""
    import pandas as pd

    from ..kinds import ActivityData, kind_of
    from ._texts import non_blank

    parts = []
    for a in _compared(pack, kind):
        declared = kind_of(a)
        if declared.texts is None:
            continue
        summary, column = declared.texts
        frame = declared.summaries(a, ActivityData(rows=tuple(rows.rows(a.id))))[summary]
        parts.append(non_blank(frame.rename(columns={column: "text"}), "text"))
    parts = [p[["text", "group"]] for p in parts if not p.empty]
    if not parts:
        return pd.DataFrame(columns=["text", "group"])
    return pd.concat(parts, ignore_index=True)


def compare_workshops(a: WorkshopStore, b: WorkshopStore, *,
                      threshold: float = THRESHOLD) -> Comparison:
    """Set workshop ``a`` and workshop ``b`` side by side.

    Parameters
    ----------
    a, b
        The two workshops (read only): A the earlier (or first) one, B the later one. Every
        shift is B - A.
    threshold
        The least similarity (:func:`text_similarity`) for an idea or plan step of A to count
        as come back in B.

    Returns
    -------
    Comparison
        Scale activities present in both (by id, else by the framework of their items), each
        with the shared criteria and dimensions compared for the room and for the groups that
        have the same name in both workshops (not the same people: a rough guide); the ideas
        and plan steps that came back; and everything that could not be compared.

    Raises
    ------
    CompareError
        When the workshops' frameworks share no criterion (``compare.different_frameworks``)
        or they have no scale question in common at all (``compare.nothing_shared``).
    """
    ra, rb = _Rows(a), _Rows(b)
    pairs, only_a, only_b = _pairs(a.pack, b.pack)
    framework_pairs = [(x, y) for x, y in pairs if x.items_from or y.items_from]
    framework_acts = [x for x in (*_compared(a.pack, "scores"), *_compared(b.pack, "scores"))
                      if x.items_from]
    shared_criteria = sum(len(_shared([i.id for i in x.items], [i.id for i in y.items])[0])
                          for x, y in framework_pairs)
    if framework_acts and shared_criteria == 0:
        raise CompareError(key="compare.different_frameworks", a=str(a.path), b=str(b.path),
                           fa=", ".join(a.pack.program.frameworks) or "-",
                           fb=", ".join(b.pack.program.frameworks) or "-")
    if not any(_shared([i.id for i in x.items], [i.id for i in y.items])[0] for x, y in pairs):
        raise CompareError(key="compare.nothing_shared", a=str(a.path), b=str(b.path))

    side_groups_a = [g.name for g in a.list_groups()]
    side_groups_b = [g.name for g in b.list_groups()]
    from ..report.html import clean_name

    g_shared, g_only_a, g_only_b = _shared([clean_name(g) for g in side_groups_a],
                                           [clean_name(g) for g in side_groups_b])
    scales = []
    for x, y in pairs:
        items, items_a, items_b = _shared([i.id for i in x.items], [i.id for i in y.items])
        dims, dims_a, dims_b = _shared([d.id for d in x.dimensions], [d.id for d in y.dimensions])
        if not items or not dims:
            only_a.append(x)
            only_b.append(y)
            continue
        fa, fb = ra.frame(x.id), rb.frame(y.id)
        fa = fa[fa["item_id"].isin(items) & fa["field"].isin([*dims, "reason"])]
        fb = fb[fb["item_id"].isin(items) & fb["field"].isin([*dims, "reason"])]
        room = scale_shifts(fa, fb)
        ga, gb = (about_groups(fa), about_groups(fb)) if x.peer else (fa, fb)
        ga, gb = ga[ga["group"].isin(g_shared)], gb[gb["group"].isin(g_shared)]
        groups = scale_shifts(ga, gb, by=("group", "item_id", "field"))
        gaps = gap_shifts(fa, fb) if {"now", "target"} <= set(dims) else None
        scales.append(ScaleShift(
            activity_a=x, activity_b=y, items=items, items_only_a=items_a, items_only_b=items_b,
            dimensions=dims, dimensions_only_a=dims_a, dimensions_only_b=dims_b,
            room=room, groups=groups, gaps=gaps,
            answers=(fa["subject"].nunique(), fb["subject"].nunique())))

    ideas_a, ideas_b = _texts(a.pack, ra, "ideas"), _texts(b.pack, rb, "ideas")
    steps_a, steps_b = _texts(a.pack, ra, "steps"), _texts(b.pack, rb, "steps")
    return Comparison(
        a=_side("A", a, ra), b=_side("B", b, rb), scales=tuple(scales),
        scales_only_a=tuple(only_a), scales_only_b=tuple(only_b),
        groups_shared=g_shared, groups_only_a=g_only_a, groups_only_b=g_only_b,
        ideas=match_texts(ideas_a, ideas_b, threshold=threshold),
        ideas_count=(len(ideas_a), len(ideas_b)),
        steps=match_texts(steps_a, steps_b, threshold=threshold),
        steps_count=(len(steps_a), len(steps_b)), threshold=threshold)


def build_compare(a: WorkshopStore, b: WorkshopStore, lang: str = "id", *,
                  threshold: float = THRESHOLD) -> str:
    """The comparison of ``a`` and ``b`` (:func:`compare_workshops`) as one self-contained
    HTML page (plotly.js inside, no network), in ``lang`` (``"id"`` or ``"en"``)."""
    from ..i18n import t
    from ._page import page_of

    t("compare.title", lang)  # an unknown language fails here, before any work
    return page_of(compare_workshops(a, b, threshold=threshold), a, b, lang)


def write_compare(a: WorkshopStore, b: WorkshopStore, path: str | Path, lang: str = "id", *,
                  threshold: float = THRESHOLD) -> Path:
    """Build the comparison (:func:`build_compare`) and write it to ``path`` (UTF-8).

    The file is written beside ``path`` and renamed into place: a failure leaves no partial
    file and an earlier file at ``path`` as it was. Raises
    :class:`~cityworkshop.report.ReportError` when ``path`` cannot be written.
    """
    from ..i18n import t
    from ..report import ReportError
    from ..report.export import write_atomically

    path = Path(path)
    if path.is_dir():
        raise ReportError(key="report.cannot_write", path=str(path),
                          reason=t("report.is_folder", lang))
    if not path.parent.is_dir():
        raise ReportError(key="report.cannot_write", path=str(path),
                          reason=t("report.no_folder", lang))
    text = build_compare(a, b, lang, threshold=threshold)
    return write_atomically(path, lambda tmp: tmp.write_text(text, encoding="utf-8"), lang=lang)
