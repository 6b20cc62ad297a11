"""Tests of the facilitator widgets in plain pytest: click, then assert on the store and text."""

from __future__ import annotations

import asyncio
import html
import re
from pathlib import Path

import pytest

from cityworkshop.analysis import answers_frame, scale_gaps, summarize_scale
from cityworkshop.content import load_pack
from cityworkshop.demo import make_demo
from cityworkshop.facilitator import ControlPanel, LiveResults, material
from cityworkshop.i18n import t
from cityworkshop.store import WorkshopStore

ACTIVITY = "disruptive-scoring"
EVIL = "<script>alert(1)</script>"


def text_of(html_value: str) -> str:
    """The visible text of a widget's HTML: tags (and the style block) removed."""
    no_style = re.sub(r"<style>.*?</style>", "", html_value, flags=re.S)
    return html.unescape(re.sub(r"<[^>]+>", " ", no_style))


def group_answer(store: WorkshopStore, group_index: int, now: int = 3, reason: str | None = None):
    group = store.list_groups()[group_index]
    who = store.join(group.code, f"Peserta {group_index}", device=f"dev-peserta-{group_index}")
    answer = {"scores": {"mobility": {"now": now, "target": 5}}}
    if reason is not None:
        answer["reasons"] = {"mobility": reason}
    store.submit(ACTIVITY, who.id, answer)
    return who


@pytest.fixture
def demo_store(tmp_path: Path):
    with make_demo(tmp_path / "d.db") as s:
        yield s


# -- material --------------------------------------------------------------------------------


def test_material_shows_criteria_facts_sources_and_unverified() -> None:
    pack = load_pack()
    text = text_of(material(pack, ACTIVITY, "id").value)
    fw = pack.framework("disruptive-city")
    for c in fw.criteria:
        assert c.name.id in text and c.question.id in text and c.description.id in text
    assert "Smart Governance" in text and "Smart Branding" in text
    for fact in pack.city.facts:
        assert fact.value.id in text and fact.source in text and str(fact.year) in text
    unverified = [f for f in pack.city.facts if not f.verified]
    assert unverified, "the reference city has an unverified fact to mark"
    assert t("material.unverified", "id") in text
    assert text.count(t("material.unverified", "id")) >= len(unverified)
    en = text_of(material(pack, ACTIVITY, "en").value)
    assert fw.criteria[0].name.en in en and "unverified" in en


def test_material_escapes_text() -> None:
    pack = load_pack()
    city = pack.city.model_copy(update={"name": EVIL})
    value = material(pack.model_copy(update={"city": city})).value
    assert "<script>" not in value and "&lt;script&gt;" in value


# -- control panel ---------------------------------------------------------------------------


def test_open_and_close_buttons_change_the_store(store: WorkshopStore) -> None:
    panel = ControlPanel(store, ACTIVITY, "id")
    assert "DITUTUP" in text_of(panel.state.value)
    panel.open_button.click()
    assert store.is_open(ACTIVITY)
    assert "DIBUKA" in text_of(panel.state.value)
    panel.close_button.click()
    assert not store.is_open(ACTIVITY)
    assert "DITUTUP" in text_of(panel.state.value)


def test_counts_groups_that_answered(open_store: WorkshopStore) -> None:
    panel = ControlPanel(open_store, ACTIVITY, "id")
    assert "0 dari 5 kelompok sudah menjawab" in text_of(panel.count.value)
    group_answer(open_store, 0)
    group_answer(open_store, 2)
    group_answer(open_store, 2, now=4)  # an edit of the same group counts once
    assert "0 dari 5" in text_of(panel.count.value)  # not refreshed yet
    panel.refresh_button.click()
    assert "2 dari 5 kelompok sudah menjawab" in text_of(panel.count.value)
    done = re.findall(r'cw-chip cw-done">✓ ([^<]+)<', panel.groups.value)
    assert done == ["Kelompok 1", "Kelompok 3"]
    assert panel.progress()[:2] == (2, 5)


def test_counts_participants_for_participant_scope(open_store: WorkshopStore) -> None:
    panel = ControlPanel(open_store, ACTIVITY, "en")
    panel.activity = panel.activity.model_copy(update={"scope": "participant"})
    group_answer(open_store, 0)  # stored under the group subject: not a participant answer
    g = open_store.list_groups()
    open_store.join(g[1].code, "Budi")
    panel.refresh()
    assert "0 of 2 participants answered" in text_of(panel.count.value)
    assert "Kelompok 1 0/1" in text_of(panel.groups.value)


def test_english_labels(store: WorkshopStore) -> None:
    panel = ControlPanel(store, ACTIVITY, "en")
    assert panel.open_button.description == "Open for participants"
    assert "0 of 5 groups answered" in text_of(panel.count.value)
    assert "CLOSED" in text_of(panel.state.value)


def test_demo_banner_only_on_demo(store: WorkshopStore, demo_store: WorkshopStore) -> None:
    # on the title's line a short label; the sentence is its tooltip and sits under the panel
    # (the first chart's subtitle or the results' banner)
    panel = ControlPanel(demo_store, ACTIVITY)
    assert text_of(panel.banner.value).strip() == t("panel.demo", "id") == "DATA DEMO"
    assert html.escape(t("demo.banner", "id")) in panel.banner.value
    assert t("demo.banner", "id") in text_of(LiveResults(demo_store, ACTIVITY).banner.value)
    assert text_of(ControlPanel(store, ACTIVITY).banner.value).strip() == ""
    assert "5 dari 5" in text_of(ControlPanel(demo_store, ACTIVITY).count.value)


def test_busy_store_is_shown_not_raised(store: WorkshopStore, monkeypatch) -> None:
    from cityworkshop.errors import InvalidAnswer

    def busy(_activity_id: str) -> None:
        raise InvalidAnswer("error.busy")

    monkeypatch.setattr(store, "open_activity", busy)
    panel = ControlPanel(store, ACTIVITY, "id")
    panel.open_button.click()
    assert not store.is_open(ACTIVITY)
    assert t("error.busy", "id") in text_of(panel.message.value)
    assert "DITUTUP" in text_of(panel.state.value)
    monkeypatch.undo()
    panel.open_button.click()
    assert store.is_open(ACTIVITY) and text_of(panel.message.value).strip() == ""


def test_unknown_activity_is_refused(store: WorkshopStore) -> None:
    with pytest.raises(KeyError, match="no-such"):
        ControlPanel(store, "no-such")


# -- live results ----------------------------------------------------------------------------


def test_live_results_empty_then_refreshed(open_store: WorkshopStore) -> None:
    live = LiveResults(open_store, ACTIVITY, "id")
    assert live.figures["radar"].to_dict()["data"] == []
    empty_note = t("chart.empty", "id")
    assert live.figures["heatmap"].to_dict()["layout"]["annotations"][0]["text"] == empty_note
    group_answer(open_store, 0, now=2, reason=EVIL)
    group_answer(open_store, 1, now=4)
    assert live.refresh() is True
    assert live.refresh() is False  # nothing changed: no redraw
    frame = answers_frame(open_store.answer_rows(ACTIVITY))
    radar = live.figures["radar"].to_dict()["data"]
    mean_now = summarize_scale(frame).set_index(["item_id", "field"]).loc[("mobility", "now"),
                                                                           "mean"]
    items = [it.id for it in live.activity.items]
    assert radar[0]["r"][items.index("mobility")] == pytest.approx(mean_now) == 3
    gaps = live.figures["gaps"].to_dict()["data"][0]
    assert list(gaps["x"]) == pytest.approx(scale_gaps(frame)["gap"].tolist())
    bundle = live.outputs["heatmap"].outputs[0]["data"]["application/vnd.plotly.v1+json"]
    assert bundle["data"][0]["type"] == "heatmap"


def test_live_results_show_no_participant_names_and_escape(open_store: WorkshopStore) -> None:
    who = group_answer(open_store, 0, reason=EVIL)
    live = LiveResults(open_store, ACTIVITY, "id")
    everything = repr([f.to_dict() for f in live.figures.values()]) + live.reasons.value
    assert who.name and who.name not in everything
    assert "<script>" not in everything
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in live.reasons.value
    assert "Kelompok 1" in text_of(live.reasons.value)


def test_refresh_button_and_demo_banner(demo_store: WorkshopStore) -> None:
    live = LiveResults(demo_store, ACTIVITY, "en")
    banner = t("demo.banner", "en")
    assert banner in text_of(live.banner.value)
    assert live.figures["radar"].to_dict()["layout"]["title"]["subtitle"]["text"] == banner
    before = live.figures["radar"]
    live.refresh_button.click()
    assert live.figures["radar"] is not before  # the button always redraws


def test_auto_refresh_needs_a_running_loop(open_store: WorkshopStore) -> None:
    live = LiveResults(open_store, ACTIVITY, "id")
    assert live.start() is False and not live.running
    live.auto.value = True  # the checkbox cannot switch on without a loop
    assert live.auto.value is False


def test_auto_refresh_redraws_on_the_event_loop(open_store: WorkshopStore) -> None:
    async def scenario() -> tuple[bool, list, bool]:
        live = LiveResults(open_store, ACTIVITY, "id", interval=0.02)
        assert live.running and live.auto.value  # started by itself inside a running loop
        group_answer(open_store, 3, now=1)
        for _ in range(100):
            await asyncio.sleep(0.02)
            if live.figures["radar"].to_dict()["data"]:
                break
        data = live.figures["radar"].to_dict()["data"]
        live.auto.value = False  # the checkbox stops it
        await asyncio.sleep(0)
        return bool(data), data, live.running

    got_data, data, still_running = asyncio.run(scenario())
    assert got_data
    items = [it.id for it in load_pack().program.activity(ACTIVITY).items]
    assert data[0]["r"][items.index("mobility")] == 1
    assert still_running is False


def test_live_results_follow_the_change_watcher_not_a_timer(open_store: WorkshopStore,
                                                             monkeypatch) -> None:
    """With the safety-net interval far away (60 s), a new answer still shows within about a
    second: the redraw follows the process's change watcher."""
    reads: list[int] = []

    async def scenario() -> tuple[bool, int]:
        live = LiveResults(open_store, ACTIVITY, "id", interval=60)
        real = live._state
        monkeypatch.setattr(live, "_state", lambda: reads.append(1) or real())
        await asyncio.sleep(0.6)
        quiet = len(reads)
        group_answer(open_store, 2, now=2)
        for _ in range(60):
            await asyncio.sleep(0.05)
            if live.figures["radar"].to_dict()["data"]:
                break
        shown = bool(live.figures["radar"].to_dict()["data"])
        live.stop()
        return shown, quiet

    shown, quiet = asyncio.run(scenario())
    assert shown
    assert quiet <= 1  # nothing changed: (almost) no reads of the store


def test_live_results_refuses_unknown_kinds(store: WorkshopStore, monkeypatch) -> None:
    act = store.activity(ACTIVITY).model_copy(update={"kind": "poll"})
    monkeypatch.setattr(store, "activity", lambda _id: act)
    with pytest.raises(ValueError, match="scale"):
        LiveResults(store, ACTIVITY)


def test_reveal_in_the_panel_redraws_this_kernels_results_at_once(
        demo_store: WorkshopStore) -> None:
    live = LiveResults(demo_store, ACTIVITY)  # no event loop here: no watcher, only the nudge
    panel = ControlPanel(demo_store, ACTIVITY)
    assert live.figures
    panel.hide_results()
    assert live.figures == {} and live.body.layout.display == "none"
    panel.show_results()
    assert set(live.figures) == {"radar", "heatmap", "gaps"} and live.body.layout.display is None
