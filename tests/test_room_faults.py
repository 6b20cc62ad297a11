"""What the room sees when things go wrong or are hidden (issue 7, points 5, 6 and 11).

- Hidden results are hidden on every phone: a questions activity that is hidden shows no vote
  count and no order by votes on the board.
- A deleted or replaced database file: every write fails loudly, the page says the answer was
  NOT saved, the server's terminal says why; nothing is written into the unlinked file.
- The facilitator's counts: status counts questions and votes; one activity is open at a time,
  and the panel and the CLI say which one opening another closed.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3

import pytest

from cityworkshop.cli import main
from cityworkshop.errors import StoreUnavailable
from cityworkshop.facilitator import ControlPanel
from cityworkshop.forms import QuestionsBoard
from cityworkshop.participant import ParticipantPage
from cityworkshop.store import WorkshopStore

QA, SCALE, DEFINITION = "leader-questions", "disruptive-scoring", "branding-definition"


@pytest.fixture
def asked(store: WorkshopStore):
    """A questions activity with three questions and 1, 3 and 2 votes."""
    g = store.list_groups()
    store.open_activity(QA)
    people = [store.join(g[i % 5].code, f"P{i}", device=f"dev-people-{i:02d}") for i in range(6)]
    qids = [store.ask(QA, people[i].id, f"Pertanyaan {i}") for i in range(3)]
    for qid, voters in zip(qids, ([3], [3, 4, 5], [4, 5]), strict=True):
        for v in voters:
            store.vote(qid, people[v].id)
    return store, people, qids


def test_a_hidden_questions_activity_shows_no_counts_on_phones(asked):
    store, people, qids = asked
    board = QuestionsBoard(store.activity(QA), "id", store=store, participant_id=people[0].id)
    assert "3 dukungan" in board.list_box.children[0].children[0].value  # shown: most votes first
    store.reveal(QA, False)
    board.refresh()
    shown = "".join(c.children[0].value for c in board.list_box.children)
    assert "dukungan</span>" not in shown and not re.search(r"\d+ dukungan", shown)
    order = [int(m) for m in re.findall(r"Pertanyaan (\d)", shown)]
    assert order == [0, 1, 2]  # the order of asking, which tells nothing about votes
    assert "disembunyikan" in board.heading.value
    store.reveal(QA, True)
    board.refresh()
    assert "3 dukungan" in board.list_box.children[0].children[0].value


def test_the_page_board_follows_hide_and_reveal(asked):
    store, people, _ = asked
    page = ParticipantPage(store, lang="en")
    page.code.value, page.device.value = store.list_groups()[0].code, "dev-people-00"
    page.join_button.click()
    assert page.screen == "questions"
    store.reveal(QA, False)
    page.poll()
    assert not re.search(r"\d+ votes", "".join(c.children[0].value
                                                for c in page.board.list_box.children))


# -- the database file is deleted or replaced -------------------------------------------


def _answer_page(store: WorkshopStore) -> ParticipantPage:
    store.open_activity(DEFINITION)
    page = ParticipantPage(store, lang="id")
    page.code.value, page.device.value = store.list_groups()[0].code, "dev-fault-phone"
    page.join_button.click()
    assert page.screen == "form"
    page.form.entries[0].text.value = "Janji kota"
    return page


@pytest.mark.parametrize("fault", ["deleted", "replaced", "moved"])
def test_a_deleted_or_replaced_file_is_never_a_silent_loss(store, tmp_path, capfd, fault):
    page = _answer_page(store)
    path = store.path
    if fault == "deleted":
        os.unlink(path)
    elif fault == "moved":
        os.rename(path, tmp_path / "elsewhere.db")
    else:
        copy = tmp_path / "copy.db"
        shutil.copy(path, copy)
        os.replace(copy, path)
    page.form.send_button.click()
    assert page.screen == "form"  # not "Terkirim"
    assert "BELUM tersimpan" in page.form.status.value and "fasilitator" in page.form.status.value
    err = capfd.readouterr().err
    assert "NOT saved" in err and str(path) in err
    with pytest.raises(StoreUnavailable):
        store.ask(QA, page.participant.id, "Masih ada?", require_open=False)
    if fault == "replaced":  # and nothing reached the file now at that path
        con = sqlite3.connect(path)
        assert con.execute("SELECT count(*) FROM submissions").fetchone()[0] == 0
        con.close()


def test_a_full_disk_is_said_as_such(store, monkeypatch):
    page = _answer_page(store)
    from sqlalchemy.exc import OperationalError

    def full(*_a, **_k):
        raise OperationalError("INSERT", {}, sqlite3.OperationalError("database or disk is full"))

    monkeypatch.setattr(store, "_give_entry_ids", full)
    page.form.send_button.click()
    assert page.screen == "form" and "BELUM tersimpan" in page.form.status.value
    assert store.answer_rows(DEFINITION) == []


# -- the facilitator's counts and one activity open at a time ----------------------------


def test_status_counts_questions_and_votes(asked, capsys):
    store, _, _ = asked
    assert main(["status", "--db", str(store.path), "--json"]) == 0
    import json

    status = json.loads(capsys.readouterr().out)
    qa = next(a for a in status["activities"] if a["id"] == QA)
    assert (qa["questions"], qa["votes"]) == (3, 6)
    assert main(["status", "--db", str(store.path)]) == 0
    line = next(ln for ln in capsys.readouterr().out.splitlines() if QA in ln)
    assert "3 pertanyaan, 6 dukungan" in line


def test_opening_another_activity_closes_the_current_one_and_says_so(store, capsys):
    assert main(["open", "--db", str(store.path), SCALE]) == 0
    capsys.readouterr()
    assert main(["open", "--db", str(store.path), DEFINITION, "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "is closed" in out and store.activity(SCALE).title.get("en") in out
    assert store.open_activities() == [DEFINITION]
    assert main(["next", "--db", str(store.path)]) == 0
    assert len(store.open_activities()) == 1


def test_the_panel_says_which_activity_opening_closed(store):
    store.open_activity(SCALE)
    panel = ControlPanel(store, DEFINITION, "id")
    panel.open_button.click()
    assert store.open_activities() == [DEFINITION]
    assert "ditutup" in panel.message.value and store.activity(SCALE).title.get("id") in \
        panel.message.value.replace("&quot;", '"')
