"""The form of a ``text`` activity: one or more short written entries, optionally each linked to
one of the activity's items (a criterion, "strength" / "suggestion" ...).

Forms layer (ipywidgets only): gives ``{"entries": [{"text": str, "item": str | None}]}``, the
mapping the store takes; the store refuses empty, whitespace-only and over-long text.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import ipywidgets as widgets

from ..content import Activity, Item
from ..i18n import t
from ..kinds import KINDS, TEXT
from ..markup import escape
from ._base import FormBase, chars_left_html, labelled

__all__ = ["TextForm", "entry_label"]


def entry_label(activity: Activity, n: int, lang: str) -> str:
    """The label of entry ``n`` (from 1): "Jawaban 2"; with one entry only, "Jawaban Anda" (or
    "Jawaban kelompok" for a group's answer)."""
    if activity.max_entries == 1:
        return t("text.entry_single_group" if activity.scope == "group" else "text.entry_single",
                 lang)
    return t("text.entry_label", lang, n=n)


class _Entry:
    """The widgets of one entry: its text, the characters left, the linked item, "Hapus"."""

    def __init__(self, form: TextForm, n: int, text: str = "", item: str | None = None,
                 entry_id: str | None = None):
        lang, activity = form.lang, form.activity
        self.n = n
        #: the stable id the store gave this entry (None: not stored yet); points follow it
        self.entry_id = entry_id
        self.text = labelled(widgets.Textarea(value=text, placeholder=t("text.placeholder", lang),
                                              rows=3 if activity.max_chars <= 500 else 5,
                                              layout=widgets.Layout(width="100%")),
                             entry_label(activity, n, lang))
        self.text.add_class("cw-entry-text")
        self.text.add_class(f"cw-entry-text-{n}")
        self.chars = widgets.HTML()
        self.chars.add_class("cw-chars-left")
        self.text.observe(lambda _c: self._update_chars(form), "value")
        self._update_chars(form)
        parts: list[widgets.Widget] = [self.text, self.chars]
        self.item: widgets.Dropdown | None = None
        if activity.link_items != "none":
            options = [(t("text.item_none", lang), "")]
            options += [(it.label.get(lang), it.id) for it in form.items]
            known = {v for _, v in options}
            key = ("text.item_label" if activity.link_items == "required"
                   else "text.item_label_optional")
            self.item = labelled(widgets.Dropdown(options=options,
                                                  value=item if item in known else "",
                                                  layout=widgets.Layout(width="100%")),
                                 t(key, lang))
            self.item.add_class("cw-entry-item")
            self.item.add_class(f"cw-entry-item-{n}")
            parts.append(self.item)
        self.remove_button = widgets.Button(description=t("text.remove", lang, n=n),
                                            layout=widgets.Layout(width="auto"))
        self.remove_button.add_class("cw-remove-entry")
        self.remove_button.add_class(f"cw-remove-entry-{n}")
        self.remove_button.on_click(lambda _b: form.remove_entry(self.n - 1))
        parts.append(self.remove_button)
        self.box = widgets.VBox(parts)
        self.box.add_class("cw-item")
        self.box.add_class("cw-entry")
        self.box.add_class(f"cw-entry-{n}")

    def show(self, text: str, item: str | None, entry_id: str | None) -> None:
        """Show another value in these widgets (the phone keeps its views: nothing new to
        draw, only the values that differ are sent)."""
        self.entry_id = entry_id
        self.text.value = text
        if self.item is not None:
            self.item.value = item if item in {v for _, v in self.item.options} else ""

    def _update_chars(self, form: TextForm) -> None:
        self.chars.value = chars_left_html(self.text.value, form.activity.max_chars, form.lang)

    @property
    def value(self) -> dict[str, Any]:
        item = self.item.value if self.item is not None else None
        value: dict[str, Any] = {"text": self.text.value, "item": item or None}
        if self.entry_id:
            value["id"] = self.entry_id
        return value

    def is_blank(self) -> bool:
        """Nothing typed and nothing chosen (whitespace counts as typed: the store refuses it)."""
        return self.text.value == "" and (self.item is None or not self.item.value)


class TextForm(FormBase):
    """A phone-first form for a ``text`` activity.

    Shows one entry to begin with; "+ Tambah" adds another up to ``activity.max_entries``, and
    each entry but a lone one has "Hapus". Every entry is a text area with the characters left
    and, when ``activity.link_items`` is not ``none``, a drop-down of the activity's items.

    Parameters
    ----------
    activity
        A text activity of the content pack.
    lang
        ``"id"`` or ``"en"``.
    items
        The items an entry may be linked to; default ``activity.items``.
    owners
        Not used (the agreed form interface).
    initial
        An earlier answer to show, as given by :attr:`value`.

    Examples
    --------
    >>> form = TextForm(store.activity("branding-definition"))  # doctest: +SKIP
    >>> form.entries[0].text.value = "Janji kota kepada warganya"  # doctest: +SKIP
    >>> form.value  # doctest: +SKIP
    {'entries': [{'text': 'Janji kota kepada warganya', 'item': None}]}
    """

    def __init__(self, activity: Activity, lang: str = "id", *,
                 items: Sequence[Item] | None = None, owners: Sequence[Any] | None = None,
                 initial: Mapping[str, Any] | None = None):
        if KINDS.get(activity.kind) is not TEXT:
            raise ValueError(f"TextForm needs a text activity; {activity.id!r} is "
                             f"{activity.kind!r}. Use the form of that kind instead.")
        super().__init__(lang)
        self.activity = activity
        self.items = tuple(activity.items if items is None else items)
        #: the entries shown, in order
        self.entries: list[_Entry] = []
        self.entry_box = widgets.VBox()
        self.entry_box.add_class("cw-entries")
        self.add_button = widgets.Button(description=t("text.add", lang),
                                         layout=widgets.Layout(width="100%"))
        self.add_button.add_class("cw-add-entry")
        self.add_button.on_click(lambda _b: self.add_entry())
        self.count = widgets.HTML()
        self.count.add_class("cw-progress")
        self.children = [self.entry_box, self.add_button, self._footer(self.count)]
        self.set_value(initial)

    # -- value ------------------------------------------------------------------------------

    @property
    def value(self) -> dict[str, Any]:
        """The answer as :meth:`WorkshopStore.submit` takes it.

        Entries left completely empty (an extra "+ Tambah" not used) are not sent; when every
        entry is empty the first one is sent as it is, and the store says it is empty.
        """
        kept = [e.value for e in self.entries if not e.is_blank()]
        return {"entries": kept or [self.entries[0].value]}

    def set_value(self, answer: Mapping[str, Any] | None) -> None:
        """Show ``answer`` (as given by :attr:`value`); an empty answer shows one empty entry."""
        given = (answer or {}).get("entries") or []
        values = [(str(e.get("text") or ""), e.get("item"),
                   e.get("id") if isinstance(e.get("id"), str) else None)
                  for e in given if isinstance(e, Mapping)][: self.activity.max_entries]
        self._build(values or [("", None, None)])

    def _shown(self) -> list[tuple[str, str | None, str | None]]:
        return [(e.text.value, e.item.value if e.item else None, e.entry_id) for e in self.entries]

    def add_entry(self) -> None:
        """Add an empty entry (no-op at ``max_entries``)."""
        if len(self.entries) < self.activity.max_entries:
            self._build([*self._shown(), ("", None, None)])

    def remove_entry(self, index: int) -> None:
        """Remove the entry at ``index`` (0-based); the last one left is only emptied (and
        becomes a new entry: what was given to the old one stays with the old one)."""
        values = self._shown()
        if 0 <= index < len(values):
            del values[index]
        self._build(values or [("", None, None)])

    def _build(self, values: list[tuple[str, str | None, str | None]]) -> None:
        # The entries shown keep their widgets (entry n stays entry n) and only show the new
        # values; entries are made for the positions that are new. After "Kirim" the stored
        # answer (with its ids) is shown again: the phone then redraws nothing.
        kept = self.entries[:len(values)]
        for entry, (text, item, entry_id) in zip(kept, values, strict=False):
            entry.show(text, item, entry_id)
        self.entries = kept + [_Entry(self, n, text, item, entry_id) for n, (text, item, entry_id)
                               in enumerate(values[len(kept):], len(kept) + 1)]
        for e in self.entries:
            e.remove_button.layout.display = "none" if len(self.entries) == 1 else None
        self.entry_box.children = [e.box for e in self.entries]
        more = self.activity.max_entries > 1
        full = len(self.entries) >= self.activity.max_entries
        self.add_button.layout.display = None if more and not full else "none"
        count = t("text.count", self.lang, n=len(self.entries), max=self.activity.max_entries)
        self.count.value = (f'<div class="cw-progress-text">{escape(count)}</div>'
                            if more else "")
