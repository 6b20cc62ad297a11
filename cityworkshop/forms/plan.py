"""The phone form of a ``plan`` activity: action steps with phase, what, owner, months and KPI.

Forms layer: :class:`PlanForm` lets a group add, fill in and remove steps and gives the answer
mapping that :meth:`cityworkshop.store.WorkshopStore.submit` takes
(``{"steps": [{"phase", "what", "owner", "start", "end", "kpi"}]}``); it never touches the
database. Before sending it names the step and field that is missing or wrong; the store checks
again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import ipywidgets as widgets

from ..answers.plan import STEP_FIELDS, month_index, month_label, window
from ..content import Activity, Item, Owner
from ..i18n import t
from ..kinds import KINDS, PLAN
from ..markup import escape, message_html
from ._base import FormBase, labelled

__all__ = ["PlanForm"]

_TEXT_FIELDS = ("what", "kpi")


def _month_name(value: str, lang: str) -> str:
    """``"2027-01"`` -> ``"Jan 2027"`` (``"Agu 2027"`` in Bahasa Indonesia)."""
    year, month = value.split("-")
    return f"{t('form.months', lang).split()[int(month) - 1]} {year}"


def _field(label: str, widget: widgets.Widget) -> widgets.VBox:
    box = widgets.VBox([labelled(widget, label)])
    box.add_class("cw-field")
    return box


class _Step:
    """The widgets of one step; ``n`` (from 1) is in their CSS classes."""

    def __init__(self, form: PlanForm, n: int) -> None:
        lang = form.lang
        #: the stable id the store gave this step (None: not stored yet)
        self.entry_id: str | None = None
        choose = t("form.plan_choose", lang)
        # Width 0 with min-width 100%: as wide as the step, yet a long option (an OPD's full
        # name) cannot widen the page on a phone. The picker itself is 48 px high or more (the
        # page's style); its label sits above it.
        box = {"width": "0", "min_width": "100%"}
        self.fields: dict[str, widgets.ValueWidget] = {
            "phase": widgets.Dropdown(options=[(choose, ""), *form._phase_options], value="",
                                      layout=widgets.Layout(**box)),
            "what": widgets.Textarea(placeholder=t("form.plan_what_placeholder", lang),
                                     layout=widgets.Layout(width="100%")),
            "owner": widgets.Dropdown(options=[(choose, ""), *form._owner_options], value="",
                                      layout=widgets.Layout(**box)),
            "start": widgets.Dropdown(options=[(choose, ""), *form._month_options], value="",
                                      layout=widgets.Layout(**box)),
            "end": widgets.Dropdown(options=[(choose, ""), *form._month_options], value="",
                                    layout=widgets.Layout(**box)),
            "kpi": widgets.Text(placeholder=t("form.plan_kpi_placeholder", lang),
                                layout=widgets.Layout(width="100%")),
        }
        for name, w in self.fields.items():
            w.add_class("cw-plan-field")
            w.add_class(f"cw-plan-{name}")
            w.observe(lambda _c: form._on_change(self), "value")
        self.title = widgets.HTML()
        self.problem = widgets.HTML()
        self.problem.add_class("cw-plan-problem")
        self.remove_button = widgets.Button(layout=widgets.Layout(width="auto"))
        self.remove_button.add_class("cw-plan-remove")
        self.remove_button.on_click(lambda _b: form.remove_step(form._steps.index(self) + 1))
        f = self.fields
        months = widgets.HBox([_field(t("form.plan_start", lang), f["start"]),
                               _field(t("form.plan_end", lang), f["end"])],
                              layout=widgets.Layout(grid_gap="8px"))
        months.add_class("cw-plan-months")
        for child in months.children:
            child.layout = widgets.Layout(width="50%", flex="1 1 0")
        self.card = widgets.VBox([
            self.title,
            _field(t("form.plan_phase", lang), f["phase"]),
            _field(t("form.plan_what", lang), f["what"]),
            _field(t("form.plan_owner", lang), f["owner"]),
            months,
            _field(t("form.plan_kpi", lang), f["kpi"]),
            self.problem,
            self.remove_button,
        ])
        self.card.add_class("cw-item")
        self.card.add_class("cw-plan-step")
        self.n = 0
        self.number(n, lang)

    def number(self, n: int, lang: str) -> None:
        """Give the step its (new) number: title, remove button and CSS classes."""
        if n == self.n:
            return
        for name, w in self.fields.items():
            if self.n:
                w.remove_class(f"cw-plan-{name}-{self.n}")
            w.add_class(f"cw-plan-{name}-{n}")
        if self.n:
            self.remove_button.remove_class(f"cw-plan-remove-{self.n}")
            self.card.remove_class(f"cw-plan-step-{self.n}")
        self.remove_button.add_class(f"cw-plan-remove-{n}")
        self.card.add_class(f"cw-plan-step-{n}")
        self.remove_button.description = t("form.plan_remove", lang, n=n)
        self.title.value = (f'<div class="cw-item-title">'
                            f'{escape(t("form.plan_step", lang, n=n))}</div>')
        self.n = n

    def show(self, step: Mapping[str, Any] | None) -> None:
        """Show ``step`` in these widgets (a field it does not give, or a choice that is not
        offered, is shown empty)."""
        given_id = (step or {}).get("id")
        self.entry_id = given_id if isinstance(given_id, str) and given_id else None
        for name, w in self.fields.items():
            value = (step or {}).get(name)
            if not isinstance(value, str):
                value = ""
            if isinstance(w, widgets.Dropdown) and value not in {v for _, v in w.options}:
                value = ""
            w.value = value

    def raw(self) -> dict[str, str]:
        """The step's fields as typed (texts stripped; "" = not filled in)."""
        return {name: (w.value.strip() if name in _TEXT_FIELDS else w.value)
                for name, w in self.fields.items()}


class PlanForm(FormBase):
    """A phone-first form for a ``plan`` activity: a list of steps and "+ Tambah langkah".

    Each step has a phase (the activity's items, e.g. Govers and Go's process model), what is
    done, the owning OPD, a start and an end month within the plan's window ("Jan 2027"), a KPI
    and a remove button. A step whose end is before its start says so at once; pressing
    "Kirim" with a field missing names the step and field instead of sending. Steps left
    completely empty are not sent.

    Parameters
    ----------
    activity
        A plan activity of the content pack.
    lang
        ``"id"`` or ``"en"``.
    items
        The phases; default ``activity.items``.
    owners
        The units that may own a step: :class:`~cityworkshop.content.Owner` objects (the
        city's OPDs, ``store.pack.city.opds``) or plain ids. Required.
    initial
        An earlier answer to show, as given by :attr:`value`.

    Examples
    --------
    >>> act = store.activity("branding-plan")  # doctest: +SKIP
    >>> form = PlanForm(act, owners=store.pack.city.opds)  # doctest: +SKIP
    >>> form.steps[0]["what"].value = "Lokakarya visi"  # doctest: +SKIP
    """

    def __init__(self, activity: Activity, lang: str = "id", *,
                 items: Sequence[Item] | None = None,
                 owners: Sequence[Owner | str] | None = None,
                 initial: Mapping[str, Any] | None = None):
        if KINDS.get(activity.kind) is not PLAN:
            raise ValueError(f"PlanForm needs a plan activity; {activity.id!r} is "
                             f"{activity.kind!r}. Use the form of that kind instead.")
        if not owners:
            raise ValueError(f"PlanForm for {activity.id!r} needs owners: pass the city's OPDs, "
                             f"e.g. owners=store.pack.city.opds.")
        super().__init__(lang)
        self.activity = activity
        self.items: tuple[Item, ...] = tuple(activity.items if items is None else items)
        self.add_class("cw-plan-form")
        self._phase_options = [(it.label.get(lang), it.id) for it in self.items]
        self._owner_options = [(o.name.get(lang), o.id) if isinstance(o, Owner) else (o, o)
                               for o in owners]
        first, last = window(activity)
        self._month_options = [(_month_name(month_label(i), lang), month_label(i))
                               for i in range(month_index(first), month_index(last) + 1)]
        self._steps: list[_Step] = []
        self._checked = False  # after a send attempt, every problem shows at its step
        self._list = widgets.VBox()
        self._list.add_class("cw-plan-steps")
        self.add_button = widgets.Button(description=t("form.plan_add", lang),
                                         layout=widgets.Layout(width="100%"))
        self.add_button.add_class("cw-plan-add")
        self.add_button.on_click(lambda _b: self.add_step())
        self.progress = widgets.HTML()
        self.progress.add_class("cw-progress")
        hint = widgets.HTML(f'<div class="cw-hint-text">'
                            f'{escape(t("form.plan_hint", lang, max=activity.max_steps))}'
                            f'</div>')
        hint.add_class("cw-hint")
        footer = self._footer(self.progress)
        self.children = [hint, self._list, self.add_button, footer]
        self.set_value(initial)

    # -- steps ------------------------------------------------------------------------------

    @property
    def steps(self) -> list[dict[str, widgets.ValueWidget]]:
        """The widgets of each step shown, field name -> widget (``steps[0]["what"]``)."""
        return [s.fields for s in self._steps]

    @property
    def remove_buttons(self) -> list[widgets.Button]:
        """The remove button of each step shown."""
        return [s.remove_button for s in self._steps]

    def add_step(self, step: Mapping[str, Any] | None = None) -> bool:
        """Add a step at the end (empty, or showing ``step``); False when ``max_steps`` is
        reached."""
        if len(self._steps) >= self.activity.max_steps:
            return False
        view = _Step(self, len(self._steps) + 1)
        view.show(step)
        self._steps.append(view)
        self._list.children = [s.card for s in self._steps]
        self._refresh()
        return True

    def remove_step(self, n: int) -> None:
        """Remove step ``n`` (from 1); the steps after it move up."""
        if not 1 <= n <= len(self._steps):
            return
        del self._steps[n - 1]
        for i, view in enumerate(self._steps, start=1):
            view.number(i, self.lang)
        self._list.children = [s.card for s in self._steps]
        self._refresh()

    # -- value ------------------------------------------------------------------------------

    @property
    def value(self) -> dict[str, Any]:
        """The answer as :meth:`WorkshopStore.submit` takes it: every step not left empty."""
        steps = []
        for view in self._steps:
            step = view.raw()
            if any(step.values()):
                kept = {name: step[name] for name in STEP_FIELDS}
                if view.entry_id:  # a step already stored keeps its id (see answers.plan)
                    kept["id"] = view.entry_id
                steps.append(kept)
        return {"steps": steps}

    def set_value(self, answer: Mapping[str, Any] | None) -> None:
        """Show ``answer`` (as given by :attr:`value`); the steps shown before are replaced.

        A phase, owner or month that is not a choice any more (an answer from an older program)
        is shown as not chosen; steps beyond ``max_steps`` are left out. With no step, one
        empty step is shown.
        """
        steps = (answer or {}).get("steps") or []
        given: list[Mapping[str, Any] | None] = []
        if isinstance(steps, Sequence) and not isinstance(steps, str | bytes):
            given = [s for s in steps if isinstance(s, Mapping)][: self.activity.max_steps]
        given = given or [None]  # one empty step
        self._checked = False
        # The steps shown keep their widgets (step n stays step n) and only show the new
        # values; steps are made for the positions that are new. After "Kirim" the stored
        # answer (with its ids) is shown again: the phone then redraws nothing.
        kept = self._steps[:len(given)]
        for view, step in zip(kept, given, strict=False):
            view.show(step)
        self._steps = kept
        for step in given[len(kept):]:
            self.add_step(step)
        self._list.children = [s.card for s in self._steps]
        self._refresh()

    def problems(self) -> list[str]:
        """Why the answer cannot be sent yet, in the participant's language (empty: it can).

        Each message names the step and the field, e.g. ``Langkah 2: isi kolom "KPI ..."``.
        """
        out: list[str] = []
        for n, view in enumerate(self._steps, start=1):
            out += self._step_problems(view, n, full=True)
        if not out and not self.value["steps"]:
            out.append(t("answer.plan_empty", self.lang))
        return out

    def _step_problems(self, view: _Step, n: int, *, full: bool) -> list[str]:
        step = view.raw()
        if not any(step.values()):
            return []  # an empty step is not sent
        lang = self.lang
        out: list[str] = []
        if full:
            out += [t("answer.plan_missing", lang, n=n, field=self._label(name))
                    for name in STEP_FIELDS if not step[name]]
            for name in _TEXT_FIELDS:
                if len(step[name]) > self.activity.max_chars:
                    out.append(t("form.plan_too_long", lang, n=n, field=self._label(name),
                                 length=len(step[name]), max=self.activity.max_chars))
        if step["start"] and step["end"] and step["end"] < step["start"]:
            out.append(t("answer.plan_end_before_start", lang, n=n,
                         start=_month_name(step["start"], lang),
                         end=_month_name(step["end"], lang)))
        return out

    def _label(self, name: str) -> str:
        return t(f"form.plan_{name}", self.lang)

    # -- events -----------------------------------------------------------------------------

    def _fire_submit(self) -> None:
        """From the first send on, name missing fields at each step, then send as usual."""
        self._checked = True
        self._refresh()
        super()._fire_submit()

    def _on_change(self, view: _Step) -> None:
        if view in self._steps:
            self._show_problems(view, self._steps.index(view) + 1)

    def _show_problems(self, view: _Step, n: int) -> None:
        problems = self._step_problems(view, n, full=self._checked)
        view.problem.value = "".join(message_html(p, "error") for p in problems)

    def _refresh(self) -> None:
        for n, view in enumerate(self._steps, start=1):
            self._show_problems(view, n)
        self.add_button.disabled = len(self._steps) >= self.activity.max_steps
        text = t("form.plan_count", self.lang, n=len(self._steps), max=self.activity.max_steps)
        self.progress.value = f'<div class="cw-progress-text">{escape(text)}</div>'
