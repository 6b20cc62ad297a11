"""The participant page in plain pytest: set widget values, click, assert on the store and the
screen."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from cityworkshop.demo import make_demo
from cityworkshop.participant import ParticipantPage
from cityworkshop.store import WorkshopStore

ACTIVITY = "disruptive-scoring"


def _texts(widget) -> str:
    """Everything a participant can read in a widget tree (HTML values, labels, descriptions)."""
    parts = []
    for attr in ("value", "description", "placeholder"):
        v = getattr(widget, attr, None)
        if isinstance(v, str):
            parts.append(v)
    if callable(getattr(widget, "texts", None)):  # a card of number buttons draws its own text
        parts.append(widget.texts())
    for child in getattr(widget, "children", ()):
        parts.append(_texts(child))
    return "\n".join(parts)


def _join(page: ParticipantPage, code: str, name: str = "", device: str = "") -> None:
    page.code.value = code
    page.name.value = name
    if device:
        page.device.value = device  # the browser's token (the page template fills it in)
    page.join_button.click()


@pytest.fixture
def code(store: WorkshopStore) -> str:
    return store.list_groups()[0].code


def test_wrong_code_says_so_and_allows_another_try(store: WorkshopStore, code: str) -> None:
    page = ParticipantPage(store, lang="id")
    _join(page, "NOPE99")
    assert page.screen == "join"
    assert "tidak dikenal" in page.status.value and "NOPE99" in page.status.value
    _join(page, "")
    assert "Isi kode kelompok" in page.status.value
    _join(page, code.lower())
    assert page.screen == "wait"
    assert store.list_participants()


def test_waiting_then_the_facilitator_opens(store: WorkshopStore, code: str) -> None:
    page = ParticipantPage(store)
    _join(page, code, "Budi")
    assert page.screen == "wait"
    assert "Mohon tunggu" in _texts(page.widget)
    page.poll()
    assert page.screen == "wait"
    store.open_activity(ACTIVITY)
    page.poll()
    assert page.screen == "form" and page.form is not None
    assert page.form in page.body.children
    store.close_activity(ACTIVITY)
    page.poll()
    assert page.screen == "wait"


def test_submit_stores_a_row_and_confirms(open_store: WorkshopStore, code: str) -> None:
    page = ParticipantPage(open_store)
    _join(page, code, "Ayu")
    page.form.scores["mobility"]["now"].value = 2
    page.form.scores["mobility"]["target"].value = 4
    page.form.reasons["mobility"].value = "Macet"
    page.form.send_button.click()
    assert page.screen == "sent"
    sent = _texts(page.widget)
    assert "Terkirim" in sent and "WIB" in sent and "1 dari 10" in sent
    rows = {(r["item_id"], r["field"]): r for r in open_store.answer_rows(ACTIVITY)}
    assert rows[("mobility", "now")]["value_num"] == 2
    assert rows[("mobility", "target")]["value_num"] == 4
    assert rows[("mobility", "reason")]["value_text"] == "Macet"
    # "Ubah jawaban": back to the form with the answer, send again -> a new row
    page.edit_button.click()
    assert page.screen == "form"
    assert page.form.scores["mobility"]["now"].value == 2
    page.form.scores["mobility"]["now"].value = 3
    page.form.send_button.click()
    assert page.screen == "sent"
    assert len({r["submission_id"] for r in open_store.answer_rows(ACTIVITY, history=True)}) == 2
    assert open_store.answer_rows(ACTIVITY)[0]["value_num"] == 3


def test_rejoin_restores_answers_for_any_group_member(open_store: WorkshopStore,
                                                      code: str) -> None:
    first = ParticipantPage(open_store)
    _join(first, code, "Siti", "dev-siti-phone")
    first.form.scores["data_driven"]["now"].value = 1
    first.form.reasons["data_driven"].value = "Belum terhubung"
    first.form.send_button.click()
    assert first.screen == "sent"

    again = ParticipantPage(open_store)  # a reload: a new page object, the same browser
    _join(again, code, " siti ", "dev-siti-phone")
    assert again.participant.id == first.participant.id
    assert "kembali" in again.status.value  # welcome back
    assert again.form.value == {"scores": {"data_driven": {"now": 1}},
                                "reasons": {"data_driven": "Belum terhubung"}}

    other = ParticipantPage(open_store)  # group scope: another member sees the group's answer
    _join(other, code, "Eko")
    assert other.form.scores["data_driven"]["now"].value == 1

    stranger = ParticipantPage(open_store)
    _join(stranger, open_store.list_groups()[1].code, "Siti")
    assert stranger.form.value == {"scores": {}, "reasons": {}}


def test_poll_keeps_what_is_typed_and_follows_unedited_forms(open_store: WorkshopStore,
                                                              code: str) -> None:
    typing, idle, sender = (ParticipantPage(open_store) for _ in range(3))
    for page, name in ((typing, "A"), (idle, "B"), (sender, "C")):
        _join(page, code, name)
    typing.form.reasons["mobility"].value = "sedang mengetik"
    sender.form.scores["mobility"]["now"].value = 5
    sender.form.send_button.click()
    typing.poll()
    idle.poll()
    assert typing.form.reasons["mobility"].value == "sedang mengetik"
    assert typing.form.scores["mobility"]["now"].value is None
    assert idle.form.scores["mobility"]["now"].value == 5  # nothing typed: shows the news
    # closed and reopened: the unsent text comes back
    open_store.close_activity(ACTIVITY)
    typing.poll()
    assert typing.screen == "wait"
    open_store.open_activity(ACTIVITY)
    typing.poll()
    assert typing.form.reasons["mobility"].value == "sedang mengetik"


def test_closed_activity_refuses_with_the_message(open_store: WorkshopStore, code: str) -> None:
    page = ParticipantPage(open_store)
    _join(page, code)
    page.form.scores["mobility"]["now"].value = 2
    open_store.close_activity(ACTIVITY)
    page.form.send_button.click()
    assert page.screen == "form"
    assert "sudah ditutup" in page.form.status.value
    assert open_store.answer_rows(ACTIVITY) == []
    assert not page.form.send_button.disabled


def test_participant_text_is_escaped(open_store: WorkshopStore, code: str) -> None:
    page = ParticipantPage(open_store)
    evil = '<img src=x onerror="alert(1)">'
    _join(page, code, evil)
    assert "<img" not in page.who.value and "&lt;img" in page.who.value
    page.form.scores["mobility"]["now"].value = 2
    page.form.reasons["mobility"].value = "<script>alert(2)</script>"
    page.form.send_button.click()
    assert page.screen == "sent"
    assert "<script>" not in page.sent_info.value
    assert "&lt;script&gt;alert(2)&lt;/script&gt;" in page.sent_info.value
    assert open_store.answer_rows(ACTIVITY)[-1]["value_text"] == "<script>alert(2)</script>"


def test_reason_over_the_limit_is_refused(open_store: WorkshopStore, code: str) -> None:
    page = ParticipantPage(open_store)
    _join(page, code)
    page.form.scores["mobility"]["now"].value = 2
    page.form.reasons["mobility"].value = "x" * 2001
    page.form.send_button.click()
    assert page.screen == "form"
    status = page.form.status.value
    assert "terlalu panjang" in status and "2001" in status and "2000" in status
    label = open_store.activity(ACTIVITY).item("mobility").label.get("id")
    assert label in status and "mobility" not in status  # named by its label, not its id
    assert open_store.answer_rows(ACTIVITY) == []


def test_empty_answer_is_refused(open_store: WorkshopStore, code: str) -> None:
    page = ParticipantPage(open_store)
    _join(page, code)
    page.form.send_button.click()
    assert page.screen == "form"
    assert "setidaknya satu" in page.form.status.value


def test_unexpected_error_is_friendly_and_logged(open_store: WorkshopStore, code: str,
                                                 monkeypatch, caplog) -> None:
    page = ParticipantPage(open_store)
    _join(page, code)
    page.form.scores["mobility"]["now"].value = 4

    def boom(*a, **k):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(open_store, "submit", boom)
    page.form.send_button.click()
    assert "Maaf, terjadi kesalahan" in page.form.status.value
    assert "disk on fire" not in _texts(page.widget)
    assert "disk on fire" in caplog.text


def test_english_and_language_toggle_keep_typing(open_store: WorkshopStore, code: str) -> None:
    page = ParticipantPage(open_store, lang="en")
    assert page.join_button.description == "Join"
    _join(page, code)
    page.form.scores["mobility"]["now"].value = 3
    page.lang_button.click()
    assert page.lang == "id" and page.form.send_button.description == "Kirim"
    assert page.form.scores["mobility"]["now"].value == 3


def test_demo_banner(tmp_path: Path) -> None:
    with make_demo(tmp_path / "demo.db", groups=2, participants_per_group=1) as demo:
        page = ParticipantPage(demo)
        assert "DATA DEMO" in page.banner.value
    with WorkshopStore.create(tmp_path / "real.db", groups=2) as real:
        assert ParticipantPage(real).banner.value == ""


def test_opens_a_path_and_does_not_poll_without_an_event_loop(open_store: WorkshopStore) -> None:
    page = ParticipantPage(open_store.path)
    shown = page.show()
    assert shown is page.widget and page._task is None
    page.store.close()


def test_poll_task_runs_on_a_running_loop(open_store: WorkshopStore, code: str,
                                          monkeypatch) -> None:
    import asyncio

    import cityworkshop.participant as participant

    monkeypatch.setattr(participant, "POLL_SECONDS", 0.05)
    page = ParticipantPage(open_store)
    _join(page, code)
    open_store.close_activity(ACTIVITY)

    async def run() -> None:
        page.show()
        assert page._task is not None
        await asyncio.sleep(0.3)
        page.stop_polling()

    asyncio.run(run())
    assert page.screen == "wait"


def test_page_kernel_stays_lean() -> None:
    code = ("import sys; import cityworkshop.participant; "
            "bad = [m for m in ('pandas', 'plotly', 'cityworkshop.analysis', 'cityworkshop.charts')"
            " if m in sys.modules]; print(bad)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


# -- the whole day: every kind, peer ratings, questions, following the facilitator -------------

def _open(store: WorkshopStore, activity_id: str) -> None:
    for open_id in store.open_activities():
        store.close_activity(open_id)
    store.open_activity(activity_id)


def test_every_activity_of_the_day_gets_its_form(store: WorkshopStore, code: str) -> None:
    from cityworkshop.forms import QuestionsBoard

    page = ParticipantPage(store)
    _join(page, code)
    kinds = {}
    while (current := store.advance()) is not None:
        page.poll()
        kind = store.activity(current).kind
        assert page.activity_id == current
        if kind == "questions":
            assert page.screen == "questions" and isinstance(page.board, QuestionsBoard)
            assert page.board in page.body.children
        else:
            assert page.screen == "form", (current, page.screen)
            assert page.form in page.body.children and page.form.activity.id == current
        kinds[kind] = type(page.form or page.board).__name__
    assert kinds == {"scale": "ScaleForm", "text": "TextForm", "points": "PointsForm",
                     "matrix": "MatrixForm", "plan": "PlanForm", "questions": "QuestionsBoard"}
    page.poll()
    assert page.screen == "wait"


def test_advance_switches_the_form_and_keeps_unsent_edits(open_store: WorkshopStore,
                                                          code: str) -> None:
    page = ParticipantPage(open_store)
    _join(page, code)
    page.form.reasons["mobility"].value = "belum terkirim"
    assert open_store.advance() == "liveable-ideas"
    page.poll()
    assert page.activity_id == "liveable-ideas" and type(page.form).__name__ == "TextForm"
    page.form.entries[0].text.value = "ide setengah jadi"
    open_store.close_activity("liveable-ideas")
    open_store.open_activity(ACTIVITY)  # the facilitator goes back
    page.poll()
    assert page.form.reasons["mobility"].value == "belum terkirim"
    _open(open_store, "liveable-ideas")
    page.poll()
    assert page.form.entries[0].text.value == "ide setengah jadi"


def test_text_answers_refused_and_escaped(store: WorkshopStore, code: str) -> None:
    _open(store, "branding-definition")
    page = ParticipantPage(store)
    _join(page, code)
    assert type(page.form).__name__ == "TextForm"
    for bad, says in (("", "masih kosong"), ("  \n\t ", "masih kosong"),
                      ("x" * 401, "terlalu panjang")):
        page.form.entries[0].text.value = bad
        page.form.send_button.click()
        assert page.screen == "form" and says in page.form.status.value, bad[:10]
    assert store.answer_rows("branding-definition") == []
    page.form.entries[0].text.value = '<img src=x onerror="alert(1)"> janji kota'
    page.form.send_button.click()
    assert page.screen == "sent"
    assert "<img" not in page.sent_info.value and "&lt;img" in page.sent_info.value
    assert "1 jawaban tersimpan" in page.sent_info.value
    rows = store.answer_rows("branding-definition")
    assert rows[0]["value_text"] == '<img src=x onerror="alert(1)"> janji kota'


def test_linked_ideas_summary_names_the_criterion(store: WorkshopStore, code: str) -> None:
    _open(store, "liveable-ideas")
    page = ParticipantPage(store, lang="en")
    _join(page, code)
    page.form.entries[0].text.value = "Electric buses"
    page.form.send_button.click()
    assert "answer 1" in page.form.status.value.lower()
    page.form.entries[0].item.value = "mobility"
    page.form.send_button.click()
    assert page.screen == "sent"
    label = store.activity("liveable-ideas").item("mobility").label.get("en")
    assert label in page.sent_info.value


def test_peer_rating_never_offers_ones_own_group(store: WorkshopStore, code: str) -> None:
    _open(store, "presentation-rating")
    page = ParticipantPage(store)
    _join(page, code)
    own = page.group.id
    offered = [v for _, v in page.about_picker.options]
    assert own not in offered and offered[0] == 0  # "- pilih kelompok -"
    others = sorted(g.id for g in store.list_groups() if g.id != own)
    assert sorted(v for v in offered if v) == others
    assert page.about_picker in page.body.children[1].children
    assert page.form.layout.display == "none" and "Pilih dulu" in _texts(page.body)
    page.form.send_button.click()  # nothing chosen yet: refused
    assert "Pilih dulu" in page.form.status.value
    other = offered[1]
    page.about_picker.value = other
    assert page.about == other and page.form.layout.display is None
    assert "Pilih dulu" not in _texts(page.body.children[1])
    page.form.scores["clarity"]["score"].value = 4
    page.form.send_button.click()
    assert page.screen == "sent"
    name = {g.id: g.name for g in store.list_groups()}[other]
    assert f"Untuk {name}" in page.sent_info.value
    rows = store.answer_rows("presentation-rating")
    assert {r["about_group_id"] for r in rows} == {other}
    # the store refuses one's own group even if a page tried
    with pytest.raises(Exception) as err:
        store.submit("presentation-rating", page.participant.id,
                     {"scores": {"clarity": {"score": 5}}, "reasons": {}, "about": own})
    assert "sendiri" in err.value.message("id")
    # another group: an empty form; back to the first: its answer, and unsent edits kept
    page.edit_button.click()
    third = offered[2]
    page.form.scores["clarity"]["score"].value = 2
    page.choose_about(third)
    assert page.form.value == {"scores": {}, "reasons": {}}
    page.form.scores["evidence"]["score"].value = 3  # unsent
    page.choose_about(other)
    assert page.form.scores["clarity"]["score"].value == 2  # the unsent edit, kept
    page.choose_about(third)
    assert page.form.scores["evidence"]["score"].value == 3


def test_peer_feedback_text_about_a_group(store: WorkshopStore, code: str) -> None:
    _open(store, "presentation-feedback")
    page = ParticipantPage(store)
    _join(page, code)
    other = [v for _, v in page.about_picker.options if v][0]
    page.about_picker.value = other
    page.form.entries[0].text.value = "Data kuat"
    page.form.entries[0].item.value = "strength"
    page.form.send_button.click()
    assert page.screen == "sent"
    again = ParticipantPage(store)
    _join(again, code)
    again.about_picker.value = other
    assert again.form.value == {"entries": [{"text": "Data kuat", "item": "strength",
                                             "id": "e00"}]}


def test_questions_on_the_page(store: WorkshopStore, code: str) -> None:
    _open(store, "leader-questions")
    asker, voter = ParticipantPage(store), ParticipantPage(store)
    _join(asker, code, "A")
    _join(voter, store.list_groups()[1].code, "B")
    assert asker.screen == "questions"
    asker.board.question.value = "Bagaimana mengatasi penolakan?"
    asker.board.ask_button.click()
    qid = store.question_rows("leader-questions")[0]["question_id"]
    assert qid not in asker.board.vote_buttons  # own question
    assert "Ini pertanyaan Anda sendiri" in _texts(asker.board)
    voter.poll()  # the new question arrives with the poll
    voter.board.vote_buttons[qid].click()
    voter.board.vote_buttons[qid].click()
    assert "sudah mendukung" in voter.board.vote_status.value
    assert store.question_rows("leader-questions")[0]["votes"] == 1
    store.mark_answered(qid)
    asker.poll()
    assert "Sudah dijawab" in _texts(asker.board)


def test_countdown_follows_the_facilitators_timer(open_store: WorkshopStore, code: str) -> None:
    page = ParticipantPage(open_store)
    _join(page, code)
    assert page.countdown.widget.layout.display == "none"
    open_store.start_timer(ACTIVITY, 300)
    page.poll()
    shown = page.countdown.widget.value
    assert "Sisa waktu 05:00" in shown or "Sisa waktu 04:59" in shown
    page.lang_button.click()
    assert "Time left" in page.countdown.widget.value
    open_store.stop_timer(ACTIVITY)
    page.poll()
    assert page.countdown.widget.layout.display == "none"


def test_countdown_ticks_on_a_running_loop(open_store: WorkshopStore, code: str) -> None:
    import asyncio

    from cityworkshop.participant.countdown import Countdown, format_clock

    assert format_clock(299.2) == "05:00" and format_clock(0) == "00:00"
    assert format_clock(3725) == "1:02:05"
    clock = Countdown("id")

    async def run() -> list[str]:
        clock.set_remaining(2.3)
        seen = [clock.widget.value]
        await asyncio.sleep(2.6)
        seen.append(clock.widget.value)
        return seen

    first, last = asyncio.run(run())
    assert "00:03" in first and "Waktu habis" in last


def test_missing_form_module_is_friendly(open_store: WorkshopStore, code: str,
                                         monkeypatch) -> None:
    import cityworkshop.forms as forms

    monkeypatch.setitem(forms.FORM_MODULES, "matrix", ("not_there", "MatrixForm"))
    _open(open_store, "branding-initiatives")
    page = ParticipantPage(open_store)
    _join(page, code)
    assert page.screen == "unsupported"
    assert "belum dapat diisi" in _texts(page.widget)


def test_a_nameless_participant_rejoins_by_the_browsers_token(store: WorkshopStore,
                                                               code: str) -> None:
    """Participant-scope answers of someone who left the name empty come back after a reload,
    because the page hands the browser's token (kept in localStorage) to the store."""
    store.open_activity("branding-definition")
    page = ParticipantPage(store)
    page.device.value = "d-0123456789abcdef"
    _join(page, code)
    assert page.screen == "form"
    page.form.entries[0].text.value = "Janji kota yang dibuktikan layanan"
    page.form.send_button.click()
    assert page.screen == "sent"

    reloaded = ParticipantPage(store)
    reloaded.device.value = "d-0123456789abcdef"
    _join(reloaded, code)
    assert reloaded.participant.id == page.participant.id and reloaded.participant.rejoined
    assert reloaded.form.entries[0].text.value == "Janji kota yang dibuktikan layanan"

    other_phone = ParticipantPage(store)
    other_phone.device.value = "d-fedcba9876543210"
    _join(other_phone, code)
    assert other_phone.participant.id != page.participant.id
    assert other_phone.form.entries[0].text.value == ""
