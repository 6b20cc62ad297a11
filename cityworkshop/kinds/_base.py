"""How an activity kind is declared (:class:`Kind`) and what its parts read (:class:`ActivityData`).

Kinds layer, private to :mod:`cityworkshop.kinds`: pure Python over the content models (no
pandas, plotly or widgets). A kind's rules, answer type, demo answer and figure names are methods
and class attributes of its :class:`Kind`; its analysis, charts, form, report section, "sent"
summary and live view are named by dotted paths (``"package.module:name"``) and imported the
first time they are used, so that a participant kernel that only validates answers never
imports pandas or plotly.
"""

from __future__ import annotations

import abc
import functools
import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from random import Random
from typing import Any, ClassVar

from ..content import Activity, Item, Owner, Program
from ..errors import InvalidAnswer
from ._rules import Row

__all__ = ["ActivityData", "Kind", "load"]


@dataclass(frozen=True)
class ActivityData:
    """Everything the store holds about one activity that its parts read, read once.

    ``rows`` are the current answer rows (``WorkshopStore.answer_rows``; a board kind's:
    ``question_rows``), ``items`` what the activity asks about now (``items_of``), ``all_items``
    those plus entries deleted since (labelled "(dihapus)"), ``owners`` the city's OPDs,
    ``pinned`` and ``synthesis`` the facilitator's notes. Made by
    :meth:`WorkshopStore.activity_data <cityworkshop.store.WorkshopStore.activity_data>`; a
    test builds one by hand.
    """

    rows: tuple[Mapping[str, Any], ...] = ()
    items: tuple[Item, ...] = ()
    all_items: tuple[Item, ...] = ()
    owners: tuple[Owner, ...] = ()
    pinned: tuple[str, ...] = ()
    synthesis: str | None = None

    def with_rows(self, rows: Sequence[Mapping[str, Any]]) -> ActivityData:
        """A copy with other rows (e.g. cleaned of control characters for a report)."""
        return replace(self, rows=tuple(rows))


@functools.cache
def load(path: str) -> Any:
    """The object a dotted path names: ``"cityworkshop.charts.scale:figures"``."""
    module, _, name = path.partition(":")
    if not name:
        raise ValueError(f"Could not load {path!r}: write 'package.module:name'.")
    return getattr(importlib.import_module(module), name)


class Kind(abc.ABC):
    """One activity kind, declared once: subclass it in ``cityworkshop/kinds/<name>.py``.

    Class attributes
    ----------------
    name
        The ``kind`` of the content pack (``"scale"``).
    model
        The content model of its activities (:class:`~cityworkshop.content.ScaleActivity`).
    answer
        The answer's type (a ``TypedDict``): its keys are the fields an answer may have.
    board
        True for a shared board (questions and votes, in tables of their own) instead of one
        answer per subject sent with "Kirim".
    labels_from
        The answer field whose value names one of the activity's items when ``item_id`` is an
        entry of the participant's own (a plan step names its phase); None: ``item_id`` is the
        item.
    texts
        ``(summary, column)`` of the texts a comparison of two workshops matches, or None.
    example
        The fields an example activity of this kind needs besides the common ones
        (:meth:`example_activity`: the docs and the registry's tests use it).
    analysis, charts, form, report, sent, live
        Dotted paths of ``summaries(activity, data)``, ``figures(activity, summaries, lang, *,
        demo, projector)``, the form class, the report section ``(ctx, activity, data)``, the
        "sent" lines ``(activity, answer, items, lang, owners)`` and the live view's part
        beside the charts. ``report``, ``sent`` and ``live`` have generic defaults.
    """

    name: ClassVar[str]
    model: ClassVar[type[Activity]]
    answer: ClassVar[type]
    board: ClassVar[bool] = False
    labels_from: ClassVar[str | None] = None
    texts: ClassVar[tuple[str, str] | None] = None
    analysis: ClassVar[str]
    charts: ClassVar[str]
    form: ClassVar[str]
    report: ClassVar[str] = "cityworkshop.report.kinds:generic_section"
    sent: ClassVar[str] = "cityworkshop.participant.summary:generic_lines"
    live: ClassVar[str] = "cityworkshop.facilitator._live:LivePart"
    example: ClassVar[Mapping[str, Any]] = {}

    def __repr__(self) -> str:
        return f"<activity kind {self.name!r}>"

    @property
    def fields(self) -> tuple[str, ...]:
        """The keys an answer of this kind may have (besides ``about`` of a peer answer)."""
        return tuple(self.answer.__annotations__)

    def example_activity(self, items: Sequence[Mapping[str, Any]] | None = None,
                         **fields: Any) -> Activity:
        """An activity of this kind for tests and docs: group scope, three items (or
        ``items``), :attr:`example` and ``fields``."""
        if items is None:
            items = [{"id": f"item{n}", "label": {"id": f"Butir {n}", "en": f"Item {n}"}}
                     for n in (1, 2, 3)]
        text = {"id": "Contoh", "en": "Example"}
        values = {"id": f"example-{self.name}", "kind": self.name, "scope": "group",
                  "title": text, "prompt": text, "items": items, **self.example, **fields}
        return self.model(**values)

    # -- rules (pure) -----------------------------------------------------------------------

    def check(self, activity: Activity, answer: Mapping[str, Any], *,
              items: Sequence[Item] | None = None, owners: Sequence[str] = ()) -> list[Row]:
        """Check ``answer`` against ``activity`` and return the rows to store.

        Refuses what is not a mapping and fields the kind does not know, then applies the
        kind's own rules (:meth:`validate`). ``items`` default to the activity's own.

        Raises
        ------
        InvalidAnswer
            Naming the item, field and value, with a catalogue key.
        """
        if not isinstance(answer, Mapping):
            raise InvalidAnswer("answer.not_mapping")
        unknown = set(answer) - set(self.fields) - {"about"}
        if unknown:
            raise InvalidAnswer("answer.unknown_field",
                                field=", ".join(sorted(map(str, unknown))))
        known = tuple(activity.items if items is None else items)
        return self.validate(activity, answer, known, tuple(owners))

    @abc.abstractmethod
    def validate(self, activity: Any, answer: Mapping[str, Any], items: Sequence[Item],
                 owners: Sequence[str]) -> list[Row]:
        """The kind's rules: the rows of a valid answer, or :class:`InvalidAnswer`."""
        raise NotImplementedError

    @abc.abstractmethod
    def to_answer(self, rows: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
        """Stored rows of one answer back into the answer mapping."""
        raise NotImplementedError

    @abc.abstractmethod
    def demo_answer(self, activity: Any, items: Sequence[Item], owners: Sequence[str],
                    rng: Random) -> dict[str, Any]:
        """A plausible valid answer to ``activity``, drawn from ``rng`` (for a demo of any
        pack, and for tests)."""
        raise NotImplementedError

    def figure_names(self, activity: Any) -> tuple[str, ...]:
        """The names of the figures :meth:`figures` draws for ``activity``, in order."""
        return ()

    def comparable(self, activity: Any, program: Program) -> str | None:
        """What a comparison of two workshops compares in ``activity``: ``"scores"``,
        ``"ideas"``, ``"steps"``, or None."""
        return None

    def signature(self, data: ActivityData) -> tuple[Any, ...]:
        """A value that changes whenever the results of ``data`` would look different."""
        subs = tuple(sorted({r["submission_id"] for r in data.rows}))
        items = tuple((it.id, it.label.id) for it in data.all_items)
        return subs, items, data.pinned, data.synthesis

    # -- parts, imported on first use -------------------------------------------------------

    def summaries(self, activity: Any, data: ActivityData) -> dict[str, Any]:
        """The analysis of ``data``: named frames (and the labels the charts need)."""
        fn: Callable[..., dict[str, Any]] = load(self.analysis)
        return fn(activity, data)

    def figures(self, activity: Any, summaries: Mapping[str, Any], lang: str = "id", *,
                demo: bool = False, projector: bool = True) -> dict[str, Any]:
        """The plotly figures of ``summaries``, keyed by :meth:`figure_names`; ``projector``
        False for the report's page (all groups at once, more words)."""
        fn: Callable[..., dict[str, Any]] = load(self.charts)
        return fn(activity, summaries, lang, demo=demo, projector=projector)

    def form_class(self) -> type:
        """The participant's form (or board) of this kind."""
        cls: type = load(self.form)
        return cls

    def report_section(self) -> Callable[..., str]:
        """The report's section: ``section(ctx, activity, data) -> html``."""
        fn: Callable[..., str] = load(self.report)
        return fn

    def sent_lines(self, activity: Any, answer: Mapping[str, Any], items: Sequence[Item],
                   lang: str, owners: Mapping[str, str]) -> tuple[str, list[str]]:
        """The "Terkirim" screen's summary line and one escaped ``<li>`` per part."""
        fn: Callable[..., tuple[str, list[str]]] = load(self.sent)
        return fn(activity, answer, items, lang, owners)

    def live_part(self) -> type:
        """The class of what the live results show beside the charts (wall, tables...)."""
        cls: type = load(self.live)
        return cls
