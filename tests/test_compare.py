"""``cityworkshop compare``: shifts against plain pandas, spread, satisfaction, ideas that came
back, hostile text, no network, atomic writes, and the CLI's errors in both languages."""

from __future__ import annotations

import errno
import math
import shutil
import sqlite3
from pathlib import Path

import pandas as pd
import pytest
from bs4 import BeautifulSoup

from cityworkshop import compare as cmp
from cityworkshop.cli import main
from cityworkshop.compare import (
    CompareError,
    build_compare,
    compare_workshops,
    text_similarity,
    write_compare,
)
from cityworkshop.content import load_pack
from cityworkshop.demo import make_demo
from cityworkshop.i18n import t
from cityworkshop.store import WorkshopStore

SCORING, URGENCY, SATISFACTION = "disruptive-scoring", "branding-urgency", "satisfaction"
IDEAS, PLAN = "liveable-ideas", "branding-plan"


@pytest.fixture(scope="module")
def demos(tmp_path_factory):
    folder = tmp_path_factory.mktemp("compare")
    a = make_demo(folder / "a.db", seed=11)
    b = make_demo(folder / "b.db", seed=12)
    yield a, b
    a.close()
    b.close()


@pytest.fixture(scope="module")
def comparison(demos):
    return compare_workshops(*demos)


@pytest.fixture(scope="module")
def demo_html(demos) -> str:
    return build_compare(*demos, "id")


def _scores(store: WorkshopStore, activity: str, by: list[str]) -> pd.DataFrame:
    """Independent of the analysis layer: plain pandas over the store's rows."""
    rows = pd.DataFrame(store.answer_rows(activity))
    rows = rows[(rows["field"] != "reason") & rows["value_num"].notna()]
    return rows.groupby(by)["value_num"].agg(["mean", "std", "count"])


def _scale(c, activity: str):
    return next(s for s in c.scales if s.activity_a.id == activity)


# -- figures ----------------------------------------------------------------------------------


@pytest.mark.parametrize("activity", [SCORING, URGENCY, SATISFACTION])
def test_room_shift_and_spread_equal_plain_pandas(demos, comparison, activity):
    a, b = demos
    ea, eb = _scores(a, activity, ["item_id", "field"]), _scores(b, activity, ["item_id", "field"])
    got = _scale(comparison, activity).room.set_index(["item_id", "field"])
    assert len(got) == len(ea) == len(eb)
    for key in ea.index:
        row = got.loc[key]
        assert row["mean_a"] == pytest.approx(ea.loc[key, "mean"])
        assert row["std_a"] == pytest.approx(ea.loc[key, "std"])
        assert row["n_a"] == ea.loc[key, "count"]
        assert row["std_b"] == pytest.approx(eb.loc[key, "std"])
        assert row["shift"] == pytest.approx(eb.loc[key, "mean"] - ea.loc[key, "mean"])
        se = math.sqrt(ea.loc[key, "std"] ** 2 / ea.loc[key, "count"]
                       + eb.loc[key, "std"] ** 2 / eb.loc[key, "count"])
        assert row["se"] == pytest.approx(se)
        assert row["may_be_chance"] == (abs(row["shift"]) < 2 * se)
        assert row["small_n"] == (min(row["n_a"], row["n_b"]) < cmp.SMALL_N)


def test_group_shift_matches_groups_by_name(demos, comparison):
    a, b = demos
    ea = _scores(a, URGENCY, ["group", "item_id", "field"])
    eb = _scores(b, URGENCY, ["group", "item_id", "field"])
    got = _scale(comparison, URGENCY).groups.set_index(["group", "item_id", "field"])
    assert sorted(got.index.get_level_values("group").unique()) == sorted(
        g.name for g in a.list_groups())
    for key in ea.index:
        assert got.loc[key, "shift"] == pytest.approx(eb.loc[key, "mean"] - ea.loc[key, "mean"])
        assert got.loc[key, "std_a"] == pytest.approx(ea.loc[key, "std"])
        assert got.loc[key, "small_n"]  # 8 people a group: the page says so
    # a group activity: one answer per group, no spread
    scoring = _scale(comparison, SCORING).groups
    assert (scoring["n_a"] == 1).all() and scoring["std_a"].isna().all()


def test_gap_change_is_target_minus_now_in_each(demos, comparison):
    a, b = demos
    gaps = _scale(comparison, SCORING).gaps.set_index("item_id")
    for store, col in ((a, "gap_a"), (b, "gap_b")):
        m = _scores(store, SCORING, ["item_id", "field"])["mean"].unstack("field")
        for item, row in m.iterrows():
            assert gaps.loc[item, col] == pytest.approx(row["target"] - row["now"])


def test_satisfaction_change_is_on_the_page(demos, demo_html):
    a, b = demos
    ea, eb = _scores(a, SATISFACTION, ["item_id"]), _scores(b, SATISFACTION, ["item_id"])
    shift = eb.loc["overall", "mean"] - ea.loc["overall", "mean"]
    soup = BeautifulSoup(demo_html, "html.parser")
    head = soup.find(id="cw-satisfaction").find(class_="cw-headline")
    assert head["data-shift"].strip('"') == cmp._page._sign(shift)
    assert f"{ea.loc['overall', 'mean']:.2f} → {eb.loc['overall', 'mean']:.2f}" in head.get_text()


def test_room_table_on_the_page_shows_every_criterion(demos, demo_html):
    soup = BeautifulSoup(demo_html, "html.parser")
    section = soup.find("section", attrs={"data-activity": f'"{SCORING}"'})
    rows = section.find("table", class_="cw-room").find("tbody").find_all("tr")
    activity = demos[0].activity(SCORING)
    assert len(rows) == len(activity.items) * len(activity.dimensions)
    assert soup.find(id="cw-not-compared").get_text().strip() == t("compare.all_compared", "id")


# -- texts that came back ---------------------------------------------------------------------

BACK_A = "Bank sampah digital dengan poin yang bisa dipakai membayar retribusi."
BACK_B = "Bank sampah digital, dengan poin untuk membayar retribusi daerah!"
GONE_A = "Festival kuliner tahunan di setiap kecamatan."
NEW_B = "Sensor kualitas udara di setiap sekolah dasar."
STEP_A = "Survei persepsi warga, investor dan pengunjung tentang kota"
STEP_B = "Survei persepsi warga dan investor tentang kota"
HOSTILE = ("<script>window.__injected=1</script> <img src=x onerror=alert(1)> "
           "=HYPERLINK(\"http://example.invalid\") \u202eevil\u202c مرحبا 😀🇮🇩 bel\x07")
BIG = "Tangsel " * 131_072  # 1 MiB


def _small(path: Path, ideas: list[str], steps: list[str], *, pack=None) -> WorkshopStore:
    store = WorkshopStore.create(path, groups=2, seed=3, pack=pack)
    g1, g2 = store.list_groups()
    p1, p2 = store.join(g1.code, "Ayu"), store.join(g2.code, "Budi")
    items = [i.id for i in store.activity(SCORING).items]
    for who, base in ((p1, 2), (p2, 3)):
        store.submit(SCORING, who.id, {"scores": {i: {"now": base, "target": 5} for i in items}},
                     require_open=False)
        store.submit(SATISFACTION, who.id, {"scores": {"overall": {"score": base + 1}}},
                     require_open=False)
    raw = {f"placeholder {n}": x for n, x in enumerate(ideas)}  # what the store would refuse
    link = store.activity(IDEAS).items[0].id
    if raw:
        store.submit(IDEAS, p1.id, {"entries": [{"text": x, "item": link} for x in raw]},
                     require_open=False)
    phase = store.activity(PLAN).items[0].id
    if steps:
        store.submit(PLAN, p2.id, {"steps": [
            {"phase": phase, "what": s, "owner": store.owners()[0], "start": "2027-01",
             "end": "2027-06", "kpi": "KPI"} for s in steps]}, require_open=False)
    con = sqlite3.connect(path)  # as an older database or another tool may hold them
    with con:
        con.executemany("UPDATE answers SET value_text = ? WHERE value_text = ?",
                        [(x, k) for k, x in raw.items()])
    con.close()
    return store


@pytest.fixture
def small_pair(tmp_path):
    a = _small(tmp_path / "a.db", [BACK_A, GONE_A, HOSTILE, BIG], [STEP_A])
    b = _small(tmp_path / "b.db", [NEW_B, BACK_B, HOSTILE + " ", BIG], [STEP_B, "Lain sama sekali"])
    yield a, b
    a.close()
    b.close()


def test_similarity_is_word_overlap_in_order():
    assert text_similarity("Taman kota!", "taman KOTA") == 1.0
    assert text_similarity(BACK_A, BACK_B) == pytest.approx(2 * 7 / (10 + 9))
    assert text_similarity(GONE_A, NEW_B) < cmp.THRESHOLD
    assert text_similarity("", "x") == 0.0


def test_an_idea_that_came_back_with_small_edits_is_matched_one_that_did_not_is_not(small_pair):
    c = compare_workshops(*small_pair)
    pairs = set(zip(c.ideas["text_a"], c.ideas["text_b"], strict=True))
    assert (BACK_A, BACK_B) in pairs
    assert not any(GONE_A in p for p in pairs) and not any(NEW_B in p for p in pairs)
    assert len(c.ideas) == 3  # the edited one, the hostile one, the 1 MB one
    assert c.ideas_count == (4, 4)
    assert list(zip(c.steps["text_a"], c.steps["text_b"], strict=True)) == [(STEP_A, STEP_B)]
    row = c.ideas.set_index("text_a").loc[BACK_A]
    assert row["similarity"] == pytest.approx(text_similarity(BACK_A, BACK_B))
    assert not row["same"]


def test_hostile_text_is_escaped_and_cut(small_pair):
    html = build_compare(*small_pair, "en")
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("img") is None
    assert "<script>window.__injected" not in html and "\x07" not in html
    # a right-to-left override stays in the text, isolated in its <bdi>: it cannot turn the row
    in_bdi = sum(b.get_text().count("\u202e") for b in soup.find_all("bdi"))
    assert in_bdi == html.count("\u202e") > 0
    text = soup.find(id="cw-ideas").get_text()
    assert "<script>window.__injected=1</script>" in text and "😀🇮🇩" in text
    assert t("compare.text_cut", "en", n=f"{len(BIG) - cmp._page.SHOW_CHARS:,}") in text
    from plotly.offline import get_plotlyjs
    assert len(html.encode()) < len(get_plotlyjs().encode()) + 1_000_000


def test_no_url_is_loaded(demo_html):
    soup = BeautifulSoup(demo_html, "html.parser")
    bundle = soup.find("script", id="cw-plotlyjs").string
    outside = demo_html.replace(bundle, "")
    for needle in ('src="http', "src='http", 'href="http', "url(http", "@import", "cdn.plot.ly"):
        assert needle not in outside, needle
    for tag in soup.find_all(["script", "link", "img", "iframe"]):
        assert not str(tag.get("src") or tag.get("href") or "").startswith(("http:", "https:"))
    assert len(soup.find_all("script", id="cw-plotlyjs")) == 1


# -- the framework check ----------------------------------------------------------------------


def _pack_with(rename: dict[str, str], *, program_id: str, framework: str | None = None):
    pack = load_pack()
    sessions = []
    for s in pack.program.sessions:
        acts = []
        for a in s.activities:
            if a.id == SCORING:
                a = a.model_copy(update={
                    "items": tuple(i.model_copy(update={"id": rename.get(i.id, i.id)})
                                   for i in a.items),
                    **({"items_from": framework} if framework else {})})
            acts.append(a)
        sessions.append(s.model_copy(update={"activities": tuple(acts)}))
    program = pack.program.model_copy(update={"id": program_id, "sessions": tuple(sessions)})
    return pack.model_copy(update={"program": program})


def test_criteria_not_shared_are_listed_the_rest_compared(tmp_path):
    items = [i.id for i in load_pack().program.activity(SCORING).items]
    pack = _pack_with({items[0]: "new_criterion"}, program_id="other-elp")
    with _small(tmp_path / "a.db", [BACK_A], [STEP_A]) as a, \
            _small(tmp_path / "b.db", [BACK_B], [STEP_B], pack=pack) as b:
        c = compare_workshops(a, b)
        s = _scale(c, SCORING)
        assert s.items_only_a == (items[0],) and s.items_only_b == ("new_criterion",)
        assert set(s.room["item_id"]) == set(items[1:])
        html = build_compare(a, b, "en")
    notes = BeautifulSoup(html, "html.parser").find(id="cw-not-compared").get_text()
    label = load_pack().program.activity(SCORING).items[0].label.en
    assert "only in workshop A" in notes and label in notes


def test_different_frameworks_are_refused(tmp_path):
    items = [i.id for i in load_pack().program.activity(SCORING).items]
    pack = _pack_with({i: f"x_{i}" for i in items}, program_id="other-elp",
                      framework="other-framework")
    with _small(tmp_path / "a.db", [], []) as a, \
            _small(tmp_path / "b.db", [], [], pack=pack) as b, \
            pytest.raises(CompareError) as info:
        compare_workshops(a, b)
    assert info.value.key == "compare.different_frameworks"


# -- writing ----------------------------------------------------------------------------------


def test_atomic_write_keeps_the_earlier_file_when_writing_fails(demos, tmp_path, monkeypatch):
    out = tmp_path / "compare.html"
    write_compare(*demos, out)
    before = out.read_bytes()
    real = Path.write_text

    def half_then_full(self, data, *args, **kwargs):
        real(self, data[: len(data) // 2], *args, **kwargs)
        raise OSError(errno.ENOSPC, "No space left on device", str(self))

    monkeypatch.setattr(Path, "write_text", half_then_full)
    with pytest.raises(Exception):  # noqa: B017 - the report layer's own error
        write_compare(*demos, out, "en")
    monkeypatch.undo()
    assert out.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["compare.html"]


# -- the command ------------------------------------------------------------------------------


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_writes_the_page(demos, tmp_path, capsys):
    out = tmp_path / "c.html"
    code, stdout, err = run(capsys, "compare", str(demos[0].path), str(demos[1].path),
                            "-o", str(out), "--lang", "en")
    assert code == 0, err
    assert stdout.strip() == t("compare.cli_written", "en", path=out)
    assert out.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


@pytest.mark.parametrize("lang", ["id", "en"])
def test_cli_errors_are_one_line_in_the_users_language(demos, tmp_path, capsys, monkeypatch, lang):
    good = str(demos[0].path)
    missing = tmp_path / "missing.db"
    plain = tmp_path / "plain.db"
    sqlite3.connect(plain).execute("CREATE TABLE t (x)").connection.close()
    damaged = tmp_path / "damaged.db"
    shutil.copy(demos[1].path, damaged)
    with open(damaged, "r+b") as f:  # all of page 1 past the header: the schema table
        f.seek(100)
        f.write(b"\xfe" * (4096 - 100))
    items = [i.id for i in load_pack().program.activity(SCORING).items]
    other_pack = _pack_with({i: f"x_{i}" for i in items}, program_id="other-elp",
                            framework="other-framework")
    other = tmp_path / "other.db"
    _small(other, [], [], pack=other_pack).close()
    import cityworkshop.store as store_module
    real = store_module.load_pack
    monkeypatch.setattr(store_module, "load_pack",
                        lambda program="tangsel-elp", **kw: other_pack if program == "other-elp"
                        else real(program, **kw))
    out = tmp_path / "c.html"
    cases = {"store.missing": (missing, missing), "store.not_workshop": (plain, plain),
             "store.damaged": (damaged, damaged), "compare.different_frameworks": (other, None)}
    for key, (path, named) in cases.items():
        code, _stdout, err = run(capsys, "compare", good, str(path), "-o", str(out), "--lang", lang)
        assert code == 2, (key, err)
        assert len(err.strip().splitlines()) == 1, err
        assert err.startswith(t("cli.error", lang, message="").strip()), err
        head = t(key, lang, path=str(named), a=good, b=str(path), fa="-", fb="-",
                 detail="", snapshots="")[:12]
        assert head in err, (key, err)
        assert "Traceback" not in err and not out.exists()
