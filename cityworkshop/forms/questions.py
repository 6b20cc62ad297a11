"""The board of a ``questions`` activity: ask the speaker a question, vote others' questions up.

Forms layer (ipywidgets). Unlike the other forms a board has no single answer to send: it
writes each question and vote through the store facade (:meth:`WorkshopStore.ask`,
:meth:`WorkshopStore.vote`), which enforces one vote per person and no vote on one's own
question. The participant page calls :meth:`QuestionsBoard.refresh` on every poll.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import ipywidgets as widgets

from ..content import Activity
from ..errors import InvalidAnswer, StoreError
from ..i18n import t
from ..kinds import KINDS, QUESTIONS
from ..markup import escape
from ._base import SettleProbe, chars_left_html, field_style, labelled, message_html, when_settled

if TYPE_CHECKING:
    from ..store import WorkshopStore

__all__ = ["QuestionsBoard"]

log = logging.getLogger(__name__)


class QuestionsBoard(widgets.VBox):
    """Ask a question ("Kirim pertanyaan") and see the room's questions, most votes first.

    Each question of someone else has a "Dukung" button; a second vote is ignored and says
    ``question.voted_already``; one's own questions say ``question.own`` and have no button;
    answered questions are marked. Participants' names are never shown.

    Parameters
    ----------
    activity
        A questions activity.
    lang
        ``"id"`` or ``"en"``.
    store
        The workshop store the questions and votes go to.
    participant_id
        Who is asking and voting.

    Examples
    --------
    >>> board = QuestionsBoard(act, "id", store=store, participant_id=me.id)  # doctest: +SKIP
    >>> board.question.value = "Bagaimana meyakinkan staf?"  # doctest: +SKIP
    >>> board.ask_button.click()  # doctest: +SKIP
    """

    #: the page's :class:`SettleProbe` (the participant page sets it; None: guess by time)
    settle_probe: SettleProbe | None = None

    def __init__(self, activity: Activity, lang: str = "id", *, store: WorkshopStore,
                 participant_id: str):
        if KINDS.get(activity.kind) is not QUESTIONS:
            raise ValueError(f"QuestionsBoard needs a questions activity; {activity.id!r} is "
                             f"{activity.kind!r}.")
        super().__init__()
        self.activity, self.lang = activity, lang
        self.store, self.participant_id = store, participant_id
        self.add_class("cw-form")
        self.add_class("cw-board")
        self.question = labelled(widgets.Textarea(placeholder=t("question.placeholder", lang),
                                                  rows=3, layout=widgets.Layout(width="100%")),
                                 t("question.ask_label", lang))
        self.question.add_class("cw-question-text")
        self.chars = widgets.HTML()
        self.chars.add_class("cw-chars-left")
        self.question.observe(lambda _c: self._update_chars(), "value")
        self._update_chars()
        self.status = widgets.HTML()
        self.status.add_class("cw-status")
        self.ask_button = widgets.Button(description=t("question.ask", lang),
                                         button_style="primary",
                                         layout=widgets.Layout(width="100%"))
        self.ask_button.add_class("cw-ask")
        self.ask_button.add_class("cw-send")
        self.send_button = self.ask_button  # the agreed name of a form's main button
        self.ask_button.on_click(self._safe(lambda: self._ask_when_settled()))
        ask_box = widgets.VBox([self.question, self.chars, self.status, self.ask_button,
                                field_style()])
        ask_box.add_class("cw-item")
        ask_box.add_class("cw-ask-box")
        self.heading = widgets.HTML()
        #: messages about votes, just above the list (the ask box may be scrolled away)
        self.vote_status = widgets.HTML()
        self.vote_status.add_class("cw-vote-status")
        self.list_box = widgets.VBox()
        self.list_box.add_class("cw-questions")
        #: question id -> its "Dukung" button (only other people's questions have one)
        self.vote_buttons: dict[int, widgets.Button] = {}
        self._signature: tuple[Any, ...] | None = None
        self.children = [ask_box, self.heading, self.vote_status, self.list_box]
        self.refresh()

    @property
    def value(self) -> dict[str, str]:
        """The question being typed, as an answer of the questions kind (``{"text": ...}``)."""
        return {"text": self.question.value}

    def set_value(self, answer: Any) -> None:
        """Show ``answer``'s question (``{"text": ...}``) in the box, as a form shows an answer."""
        self.question.value = str((answer or {}).get("text") or "")

    # -- actions ----------------------------------------------------------------------------

    def _ask_when_settled(self) -> None:
        """"Tanya", once the question's last typing arrived (:func:`when_settled`)."""
        if getattr(self, "_settling", False):
            return
        self._settling = True

        def fire() -> None:
            self._settling = False
            self._safe(lambda: self.ask())(None)

        when_settled(self, fire)

    def ask(self) -> int | None:
        """Send the typed question; returns its id, or None when refused (and says why)."""
        self.vote_status.value = ""
        try:
            qid = self.store.ask(self.activity.id, self.participant_id, self.question.value)
        except InvalidAnswer as err:
            self.show_status(err.message(self.lang), "error")
            return None
        except StoreError:  # the database cannot be written: NOT saved, and say so
            self.show_status(t("error.not_saved", self.lang), "error")
            return None
        self.question.value = ""
        self.show_status(t("question.asked", self.lang), "ok")
        self.refresh(force=True)
        return qid

    def vote(self, question_id: int) -> bool:
        """Vote ``question_id`` up; False (with a message) for a second vote or one's own."""
        try:
            counted = self.store.vote(question_id, self.participant_id)
        except InvalidAnswer as err:
            self._say_vote(err.message(self.lang), "error")
            return False
        except StoreError:
            self._say_vote(t("error.not_saved", self.lang), "error")
            return False
        if counted:
            self._say_vote(t("question.vote_counted", self.lang), "ok")
        else:
            own = any(r["question_id"] == question_id and r["participant_id"] == self.participant_id
                      for r in self._rows)
            self._say_vote(t("question.own" if own else "question.voted_already", self.lang),
                             "info")
        self.refresh(force=True)
        return counted

    def refresh(self, force: bool = False, shared: tuple[Any, bool, Any] | None = None) -> bool:
        """Reload the questions from the store; rebuild the list only when something changed.

        ``shared``: (question rows, revealed, votes by participant) read once for every page
        of the room (:class:`cityworkshop.participant.room.SharedRoom`) instead of the store.
        Returns True when the list was rebuilt.
        """
        if shared is not None:
            rows, revealed, votes = list(shared[0]), shared[1], shared[2]
            voted = set(votes.get(self.participant_id, ()))
        else:
            rows = self.store.question_rows(self.activity.id)
            voted = self.store.votes_of(self.activity.id, self.participant_id)
            revealed = self.store.is_revealed(self.activity.id)
        #: whether the facilitator shows the results: hidden means no vote count on any phone,
        #: and no order by votes either (it would tell the counts), only the order of asking
        self.revealed = revealed
        if not self.revealed:
            rows = sorted(rows, key=lambda r: r["question_id"])
        self._rows = rows
        signature = (self.revealed, *((r["question_id"], r["votes"] if self.revealed else None,
                                       bool(r["answered_at"]), r["question_id"] in voted)
                                      for r in rows))
        if signature == self._signature and not force:
            return False
        self._signature = signature
        hidden_note = ("" if self.revealed else
                       f'<p class="cw-note cw-counts-hidden">'
                       f'{escape(t("question.counts_hidden", self.lang))}</p>')
        self.heading.value = (f'<h3 class="cw-h cw-questions-heading">'
                              f'{escape(t("question.list_heading", self.lang, n=len(rows)))}'
                              f'</h3>{hidden_note}')
        cards: list[widgets.Widget] = []
        self.vote_buttons = {}
        if not rows:
            cards.append(widgets.HTML(f'<p class="cw-p cw-note">'
                                      f'{escape(t("question.none", self.lang))}</p>'))
        for r in rows:
            cards.append(self._card(r, r["question_id"] in voted))
        self.list_box.children = cards
        return True

    def show_status(self, text: str, kind: str = "info") -> None:
        """Show a message (escaped) above the list; ``kind`` info/error/ok."""
        self.status.value = message_html(text, kind)

    def _say_vote(self, text: str, kind: str = "info") -> None:
        self.status.value = ""
        self.vote_status.value = message_html(text, kind)

    # -- parts ------------------------------------------------------------------------------

    def _card(self, row: dict[str, Any], voted: bool) -> widgets.VBox:
        qid, lang = row["question_id"], self.lang
        own = row["participant_id"] == self.participant_id
        votes = escape(t("question.votes", lang, n=row["votes"]))
        badges = [f'<span class="cw-votes">{votes}</span>'] if self.revealed else []
        if row["answered_at"]:
            badges.append(f'<span class="cw-answered">&#10003; '
                          f'{escape(t("question.answered", lang))}</span>')
        if own:
            badges.append(f'<span class="cw-own">{escape(t("question.own", lang))}</span>')
        text = (f'<div class="cw-question-body">{escape(row["text"])}</div>'
                f'<div class="cw-question-meta">{" ".join(badges)}</div>')
        parts: list[widgets.Widget] = [widgets.HTML(text)]
        if not own:
            button = widgets.Button(
                description=(("✓ " + t("question.voted", lang)) if voted
                             else t("question.vote", lang)),
                button_style="success" if voted else "",
                layout=widgets.Layout(width="auto"))
            button.add_class("cw-vote")
            button.add_class(f"cw-vote-{qid}")
            if voted:
                button.add_class("cw-voted")
            button.on_click(self._safe(lambda q=qid: self.vote(q)))
            self.vote_buttons[qid] = button
            parts.append(button)
        card = widgets.VBox(parts)
        card.add_class("cw-item")
        card.add_class("cw-question")
        card.add_class(f"cw-question-{qid}")
        if row["answered_at"]:
            card.add_class("cw-question-answered")
        return card

    def _update_chars(self) -> None:
        self.chars.value = chars_left_html(self.question.value, self.activity.max_chars, self.lang)

    def _safe(self, action: Callable[[], Any]) -> Callable[[Any], None]:
        """A button handler that turns an unexpected error into error.unexpected, logged."""
        def handler(_b: Any) -> None:
            try:
                action()
            except Exception:
                log.exception("questions board: unexpected error")
                self.show_status(t("error.unexpected", self.lang), "error")
        return handler
