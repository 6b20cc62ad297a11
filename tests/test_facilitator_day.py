"""Tests of the facilitator widgets for the whole day: every kind of live results, the new
control-panel buttons, pins, synthesis, questions and the overview. Plain pytest: click, then
assert on the store."""

from __future__ import annotations

import html
import re

import pytest

from cityworkshop.facilitator import (
    ControlPanel,
    LiveResults,
    agenda,
    agenda_timeline,
    group_codes,
    who_answered,
)
from cityworkshop.facilitator.results import figure_names
from cityworkshop.i18n import t
from cityworkshop.store import WorkshopStore

EVIL = "<script>alert(1)</script><b>tebal</b>"
TEXT_KINDS = ("liveable-ideas", "presentation-feedback", "branding-definition", "reflection",
              "closing-comments")


def text_of(html_value: str) -> str:
    no_style = re.sub(r"<style>.*?</style>", "", html_value, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", no_style))


def _scores(store: WorkshopStore, activity_id: str, value: int) -> dict:
    act = store.activity(activity_id)
    return {it.id: {d.id: value for d in act.dimensions} for it in act.items}


@pytest.fixture
def day(store: WorkshopStore) -> dict:
    """Every activity of the day answered through the store API by two people per group."""
    groups = store.list_groups()
    people = {g.id: [store.join(g.code, f"Nama Rahasia {g.number}{k}") for k in range(2)]
              for g in groups}
    crit = [it.id for it in store.activity("liveable-ideas").items]
    for i, g in enumerate(groups):
        a, b = people[g.id]
        store.submit("disruptive-scoring", a.id, {"scores": {
            c: {"now": 1 + (i + j) % 4, "target": 5} for j, c in enumerate(crit)}},
            require_open=False)
        entries = [{"text": f"Gagasan {g.name} nomor {k}: transportasi terpadu", "item": crit[k]}
                   for k in range(2)]
        if i == 0:
            entries.append({"text": EVIL, "item": crit[2]})
        store.submit("liveable-ideas", a.id, {"entries": entries}, require_open=False)
    ideas = store.items_of("idea-votes")
    for i, g in enumerate(groups):
        for k, p in enumerate(people[g.id]):
            store.submit("idea-votes", p.id, {"points": {ideas[(i + k) % len(ideas)].id: 3,
                                                         ideas[(i + k + 1) % len(ideas)].id: 2}},
                         require_open=False)
        for other in groups:
            if other.id == g.id:
                continue
            store.submit("presentation-rating", people[g.id][0].id,
                         {"scores": _scores(store, "presentation-rating", 2 + (i % 3)),
                          "about": other.id}, require_open=False)
            store.submit("presentation-feedback", people[g.id][0].id,
                         {"entries": [{"text": f"Data kuat dari {g.name}", "item": "strength"},
                                      {"text": "Perjelas anggaran", "item": "suggestion"}],
                          "about": other.id}, require_open=False)
            break  # each group rates one other group
        matrix = store.activity("branding-initiatives")
        store.submit("branding-initiatives", people[g.id][0].id, {"positions": {
            it.id: {"x": 1 + (i + j) % 5, "y": 1 + (i * j) % 5}
            for j, it in enumerate(matrix.items)}}, require_open=False)
        opd = store.owners()[i % len(store.owners())]
        store.submit("branding-plan", people[g.id][0].id, {"steps": [
            {"phase": "goals", "what": f"Lokakarya visi {g.name}", "owner": opd,
             "start": "2027-01", "end": "2027-03", "kpi": "Dokumen visi disepakati"},
            {"phase": "audit", "what": "Survei citra kota", "owner": opd,
             "start": "2027-04", "end": "2027-06", "kpi": "1.000 responden"}]},
            require_open=False)
        for k, p in enumerate(people[g.id]):
            store.submit("branding-definition", p.id,
                         {"entries": [{"text": "City branding adalah identitas dan citra kota "
                                               "yang dibangun bersama warga"}]},
                         require_open=False)
            answer = {"scores": {"urgency": {"score": 3 + k}},
                      "reasons": {"urgency": "Tangsel belum dikenal"}}
            store.submit("branding-urgency", p.id, answer, require_open=False)
            store.submit("satisfaction", p.id, {"scores": _scores(store, "satisfaction", 4 + k)},
                         require_open=False)
            store.submit("reflection", p.id, {"entries": [{"text": "Rapat berbasis data"}]},
                         require_open=False)
            store.submit("closing-comments", p.id, {"entries": [{"text": "Terima kasih"}]},
                         require_open=False)
    q1 = store.ask("leader-questions", people[groups[0].id][0].id, "Bagaimana mengatasi penolakan?",
                   require_open=False)
    q2 = store.ask("leader-questions", people[groups[1].id][0].id, EVIL, require_open=False)
    for g in groups[1:]:
        store.vote(q1, people[g.id][1].id, require_open=False)
    store.vote(q2, people[groups[0].id][1].id, require_open=False)
    return {"store": store, "people": people, "questions": (q1, q2)}


# -- live results of every kind ----------------------------------------------------------------


def test_live_results_draw_every_activity_of_the_day(day: dict) -> None:
    store: WorkshopStore = day["store"]
    for act in store.pack.program.activities:
        live = LiveResults(store, act.id, "en")
        names = figure_names(act)
        assert set(live.figures) == set(names), act.id
        for name in names:
            fig = live.figures[name].to_dict()
            assert fig["data"], (act.id, name)  # answered: not the empty figure
            bundle = live.outputs[name].outputs[0]["data"]["application/vnd.plotly.v1+json"]
            assert bundle["data"], (act.id, name)
        everything = repr([f.to_dict() for f in live.figures.values()])
        assert "Nama Rahasia" not in everything, act.id  # no participant names on the projector
        assert "<script>" not in everything, act.id


def test_figure_names_per_kind(store: WorkshopStore) -> None:
    expected = {"disruptive-scoring": ("radar", "heatmap", "gaps"),
                "presentation-rating": ("peer",),
                "branding-urgency": ("bars",), "satisfaction": ("bars",),
                "liveable-ideas": ("words",), "branding-initiatives": ("matrix",),
                "idea-votes": ("points",), "branding-plan": ("roadmap",),
                "leader-questions": ()}
    for aid, names in expected.items():
        assert figure_names(store.activity(aid)) == names


def test_empty_results_of_every_kind_do_not_fail(store: WorkshopStore) -> None:
    for act in store.pack.program.activities:
        live = LiveResults(store, act.id, "id")
        assert set(live.figures) == set(figure_names(act))


def test_points_labels_are_the_ideas(day: dict) -> None:
    store = day["store"]
    live = LiveResults(store, "idea-votes", "id")
    text = repr(live.figures["points"].to_dict())
    assert "Gagasan Kelompok 1 nomor 0" in text


def test_plan_table_lists_steps_with_owner_names(day: dict) -> None:
    store = day["store"]
    live = LiveResults(store, "branding-plan", "id")
    table = text_of(live.steps.value)
    opd = store.pack.city.opds[0]
    assert "Lokakarya visi Kelompok 1" in table and opd.name.id in table
    assert "2027-01" in table and "Dokumen visi disepakati" in table
    assert "Nama Rahasia" not in table


def test_scale_reasons_for_one_dimension_scale(day: dict) -> None:
    live = LiveResults(day["store"], "branding-urgency", "id")
    assert "Tangsel belum dikenal" in text_of(live.reasons.value)
    assert "Nama Rahasia" not in live.reasons.value


# -- hidden results ----------------------------------------------------------------------------


def test_hidden_results_show_the_hidden_message(day: dict) -> None:
    store = day["store"]
    store.reveal("disruptive-scoring", False)
    live = LiveResults(store, "disruptive-scoring", "id")
    assert "Hasil disembunyikan sampai fasilitator menampilkannya" in text_of(live.hidden.value)
    assert live.figures == {} and live.body.layout.display == "none"
    assert all(out.outputs == () for out in live.outputs.values())
    store.reveal("disruptive-scoring", True)
    assert live.refresh() is True  # the reveal alone redraws
    assert live.hidden.value == "" and set(live.figures) == {"radar", "heatmap", "gaps"}


def test_hidden_text_wall_is_not_shown(day: dict) -> None:
    store = day["store"]
    store.reveal("liveable-ideas", False)
    live = LiveResults(store, "liveable-ideas", "en")
    assert t("results.hidden", "en") in text_of(live.hidden.value)
    assert live.body.layout.display == "none"


# -- the answer wall -----------------------------------------------------------------------------


def test_wall_shows_every_entry_with_its_group_escaped(day: dict) -> None:
    store = day["store"]
    live = LiveResults(store, "liveable-ideas", "id")
    wall = live.wall.wall_html()
    assert "<script>" not in wall and "<b>tebal</b>" not in wall
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&lt;b&gt;tebal&lt;/b&gt;" in wall
    assert len(live.wall.cards) == 2 * 5 + 1
    assert "Kelompok 1" in text_of(wall) and "Nama Rahasia" not in wall
    words = repr(live.figures["words"].to_dict())
    assert "<script>" not in words


def test_feedback_cards_name_the_group_it_is_about(day: dict) -> None:
    live = LiveResults(day["store"], "presentation-feedback", "id")
    assert "Kelompok 1 → Kelompok 2" in text_of(live.wall.wall_html())
    assert "Kekuatan" in text_of(live.wall.wall_html())


def test_pin_and_unpin_from_the_wall(day: dict) -> None:
    store = day["store"]
    live = LiveResults(store, "branding-definition", "id")
    refs = list(live.wall.cards)
    last = refs[-1]
    live.wall.pin_buttons[last].click()
    assert store.pinned("branding-definition") == [last]
    assert list(live.wall.cards)[0] == last  # pinned first
    assert "cw-pinned" in live.wall.cards[last].value
    assert live.wall.pin_buttons[last].description == "Lepas sematan"
    live.wall.pin_buttons[refs[0]].click()
    assert store.pinned("branding-definition") == [last, refs[0]]
    live.wall.pin_buttons[last].click()
    assert store.pinned("branding-definition") == [refs[0]]
    assert "cw-pinned" not in live.wall.cards[last].value


def test_synthesis_is_saved_and_shown(day: dict) -> None:
    store = day["store"]
    live = LiveResults(store, "branding-definition", "en")
    live.wall.synthesis_text.value = "Brand = identity + proof <i>in services</i>"
    live.wall.save_synthesis_button.click()
    assert store.synthesis("branding-definition") == "Brand = identity + proof <i>in services</i>"
    assert "&lt;i&gt;in services&lt;/i&gt;" in live.wall.synthesis_view.value
    again = LiveResults(store, "branding-definition", "en")
    assert again.wall.synthesis_text.value == store.synthesis("branding-definition")


# -- questions ---------------------------------------------------------------------------------


def test_questions_by_votes_and_mark_answered(day: dict) -> None:
    store = day["store"]
    q1, q2 = day["questions"]
    live = LiveResults(store, "leader-questions", "id")
    assert list(live.questions.rows) == [q1, q2]  # most votes first
    assert "&lt;script&gt;" in live.questions.rows[q2].value
    assert "<script>" not in live.questions.rows[q2].value
    assert "Nama Rahasia" not in live.questions.rows[q1].value
    live.questions.answered_toggles[q1].value = True
    rows = {r["question_id"]: r for r in store.question_rows("leader-questions")}
    assert rows[q1]["answered_at"] is not None
    assert list(live.questions.rows) == [q2, q1]  # answered ones move to the end
    assert "cw-answered" in live.questions.rows[q1].value
    live.questions.answered_toggles[q1].value = False
    rows = {r["question_id"]: r for r in store.question_rows("leader-questions")}
    assert rows[q1]["answered_at"] is None


# -- control panel -----------------------------------------------------------------------------


def test_reveal_and_hide_are_two_states_not_a_toggle(store: WorkshopStore) -> None:
    panel = ControlPanel(store, "branding-urgency", "id")
    assert store.is_revealed("branding-urgency")
    assert panel.reveal_button.description == "Tampilkan hasil"
    assert panel.hide_button.description == "Sembunyikan hasil"
    assert panel.reveal_button.button_style == "info" and panel.hide_button.button_style == ""
    panel.reveal_button.click()  # already shown: a second "Tampilkan" keeps it shown
    assert store.is_revealed("branding-urgency")
    panel.hide_button.click()
    assert not store.is_revealed("branding-urgency")
    assert "Hasil disembunyikan" in text_of(panel.shown.value)
    assert panel.hide_button.button_style == "warning" and panel.reveal_button.button_style == ""
    panel.hide_button.click()  # a double click of "Sembunyikan" keeps it hidden
    assert not store.is_revealed("branding-urgency")
    assert panel.reveal_button.description == "Tampilkan hasil"  # labels never swap
    panel.reveal_button.click()
    panel.reveal_button.click()
    assert store.is_revealed("branding-urgency")
    assert "Hasil tampil di layar" in text_of(panel.shown.value)


def test_the_same_state_twice_writes_nothing(store: WorkshopStore) -> None:
    panel = ControlPanel(store, "branding-urgency", "en")
    panel.hide_button.click()
    before = len(store.events())
    panel.hide_button.click()
    assert len(store.events()) == before


def test_live_results_follow_reveal_and_hide_at_once(store: WorkshopStore) -> None:
    panel = ControlPanel(store, "branding-urgency", "id")
    live = LiveResults(store, "branding-urgency", "id")
    panel.hide_button.click()  # this kernel's results redraw in the click, not at a poll
    assert live.figures == {} and t("results.hidden", "id") in live.hidden.value
    assert live.refresh() is False  # nothing left for the watcher's refresh to draw
    panel.reveal_button.click()
    assert live.figures and live.hidden.value == ""
    assert live.refresh() is False


def test_join_card_is_one_click_away_from_the_panel(store: WorkshopStore) -> None:
    panel = ControlPanel(store, "branding-urgency", "id")
    assert panel.join.layout.display == "none" and not panel.join.children
    panel.join_button.value = True
    assert panel.join.layout.display != "none"
    card = panel.join.children[0]
    for g in store.list_groups():
        assert g.code in card.codes.value
    panel.join_button.value = False
    assert panel.join.layout.display == "none"


def test_timer_start_and_stop(store: WorkshopStore) -> None:
    panel = ControlPanel(store, "branding-urgency", "en")
    assert store.timer_remaining("branding-urgency") is None
    assert "No timer running" in text_of(panel.timer.value)
    panel.minutes.value = 3
    panel.start_timer_button.click()
    left = store.timer_remaining("branding-urgency")
    assert left is not None and 170 < left <= 180
    assert re.search(r"Time left 0[23]:[0-5]\d", text_of(panel.timer.value))
    panel.stop_timer_button.click()
    assert store.timer_remaining("branding-urgency") is None
    assert "No timer running" in text_of(panel.timer.value)


def test_next_activity_button_advances(store: WorkshopStore) -> None:
    order = [a.id for a in store.pack.program.activities]
    panel = ControlPanel(store, order[0], "id")
    panel.open_button.click()
    assert store.current_activity() == order[0]
    panel.next_button.click()
    assert store.current_activity() == order[1]
    assert not store.is_open(order[0])
    assert store.activity(order[1]).title.id in text_of(panel.message.value)
    assert "DITUTUP" in text_of(panel.state.value)


def test_next_after_the_last_activity(store: WorkshopStore) -> None:
    last = store.pack.program.activities[-1].id
    store.open_activity(last)
    panel = ControlPanel(store, last, "en")
    panel.next_button.click()
    assert store.current_activity() is None
    assert t("panel.next_none", "en") in text_of(panel.message.value)


def test_counts_for_every_scope(day: dict) -> None:
    store = day["store"]
    peer = ControlPanel(store, "presentation-rating", "id")
    assert peer.progress()[:2] == (5, 20)  # each group rated one of 4 other groups
    assert "5 dari 20 penilaian antarkelompok" in text_of(peer.count.value)
    person = ControlPanel(store, "branding-urgency", "id")
    assert person.progress()[:2] == (10, 10)
    assert "10 dari 10 peserta" in text_of(person.count.value)
    group = ControlPanel(store, "branding-plan", "id")
    assert group.progress()[:2] == (5, 5)
    questions = ControlPanel(store, "leader-questions", "en")
    assert questions.progress()[:2] == (2, 10)
    assert "2 questions, 5 votes" in text_of(questions.count.value)


# -- overview ----------------------------------------------------------------------------------


def test_who_answered_table(day: dict) -> None:
    store = day["store"]
    text = text_of(who_answered(store, "id").value)
    for act in store.pack.program.activities:
        assert act.title.id in text
    assert "2/2" in text and "1/4" in text and "✓" in text
    assert "Nama Rahasia" not in text


def test_agenda_and_codes(store: WorkshopStore) -> None:
    text = text_of(agenda(store, "id").value)
    for s in store.pack.program.sessions:
        assert s.title.id in text and f"{s.start:%H:%M}" in text
    codes = text_of(group_codes(store, "en").value)
    for g in store.list_groups():
        assert g.code in codes and g.name in codes


def test_agenda_timeline_planned_and_actual(store: WorkshopStore) -> None:
    fig = agenda_timeline(store, "id").to_dict()
    planned = fig["data"][0]
    assert len(planned["y"]) == len(store.pack.program.sessions)
    assert planned["base"][0].endswith("08:00:00")
    assert "WIB" in fig["layout"]["title"]["text"]
    store.open_activity("disruptive-scoring")
    store.close_activity("disruptive-scoring")
    store.open_activity("liveable-ideas")
    fig = agenda_timeline(store, "en").to_dict()
    names = [d["name"] for d in fig["data"]]
    assert names == ["Planned session", "Activity open", "Open now"]
    actual = fig["data"][1]
    assert actual["customdata"][0][0] == store.activity("disruptive-scoring").title.en
    assert actual["y"][0] == "Group work: a more liveable Tangsel"
