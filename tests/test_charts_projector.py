"""The charts sized for the projector (issue 9): every figure the facilitator's live results
draw, on demo data and on an empty workshop, in both languages, letters at least 16 px, at most
one screen tall (the first chart of an activity: what is left under the control panel); the
roadmap in plan order with full owner names and months in the chart's language; and, in
Chromium, no text of the heatmap or the roadmap outside its figure."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import plotly.graph_objects as go
import pytest

from cityworkshop.charts import _style as S
from cityworkshop.charts.plan import month_ticks
from cityworkshop.demo import make_demo
from cityworkshop.facilitator import LiveResults
from cityworkshop.facilitator.results import KINDS, figure_names
from cityworkshop.i18n import t
from cityworkshop.store import WorkshopStore

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]


def _figures(store: WorkshopStore, lang: str) -> list[tuple[str, str, bool, go.Figure]]:
    """(activity id, figure name, is the activity's first chart, figure) of every activity."""
    out = []
    for act in store.pack.program.activities:
        if act.kind not in KINDS:
            continue
        store.reveal(act.id, True)
        live = LiveResults(store, act.id, lang)
        names = figure_names(act)
        for name, fig in live.figures.items():
            out.append((act.id, name, name == names[0], fig))
    return out


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("projector")
    demo = make_demo(folder / "demo.db", seed=1)
    empty = WorkshopStore.create(folder / "empty.db")
    yield {"demo": demo, "empty": empty}
    demo.close()
    empty.close()


@pytest.fixture(scope="module")
def figures(stores: dict[str, WorkshopStore]) -> dict[str, list[tuple[str, str, bool, go.Figure]]]:
    return {f"{kind}-{lang}": _figures(store, lang)
            for kind, store in stores.items() for lang in ("id", "en")}


def _sizes(obj: Any, path: str = "") -> list[tuple[str, float]]:
    """Every font size set anywhere in a figure dict, with where (hover labels left out)."""
    found: list[tuple[str, float]] = []
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k in ("hoverlabel", "hoverlabeldefaults"):
                continue
            where = f"{path}.{k}"
            if "font" in k and isinstance(v, dict) and v.get("size") is not None:
                found.append((where, v["size"]))
            found += _sizes(v, where)
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            found += _sizes(v, f"{path}[{i}]")
    return found


def test_every_kind_is_covered(figures: dict[str, list[Any]]) -> None:
    names = {name for _, name, _, _ in figures["demo-id"]}
    assert names >= {"radar", "heatmap", "gaps", "words", "points", "peer", "bars", "matrix",
                     "roadmap"}
    assert len(figures["empty-id"]) == len(figures["demo-id"])


@pytest.mark.parametrize("which", ["demo-id", "demo-en", "empty-id", "empty-en"])
def test_text_at_least_16_px(figures: dict[str, list[Any]], which: str) -> None:
    for aid, name, _, fig in figures[which]:
        d = fig.to_dict()
        layout = d["layout"]
        assert layout["font"]["size"] >= S.MIN_FONT, (aid, name)
        small = [(w, s) for w, s in _sizes(d) if s < S.MIN_FONT]
        assert not small, (aid, name, small)
        # what the template gives the ticks, legends, annotations and colour bars
        tpl = layout["template"]["layout"]
        for key in ("xaxis", "yaxis"):
            assert tpl[key]["tickfont"]["size"] >= S.MIN_FONT
        assert tpl["legend"]["font"]["size"] >= S.MIN_FONT
        assert tpl["annotationdefaults"]["font"]["size"] >= S.MIN_FONT
        for trace in d["data"]:
            if "colorbar" in trace:
                bar = trace["colorbar"]
                assert bar["tickfont"]["size"] >= S.MIN_FONT
                assert bar["title"]["font"]["size"] >= S.MIN_FONT
                assert bar["title"]["side"] == "right"  # beside the bar: never cut to "Rata-ra"


@pytest.mark.parametrize("which", ["demo-id", "demo-en", "empty-id", "empty-en"])
def test_height_within_one_screen(figures: dict[str, list[Any]], which: str) -> None:
    assert S.MAIN_HEIGHT + S.PANEL_HEIGHT == S.SCREEN_HEIGHT <= 768 - 160
    for aid, name, main, fig in figures[which]:
        height = fig.layout.height
        assert height is not None and height <= S.SCREEN_HEIGHT, (aid, name, height)
        # the answer wall comes before a text activity's words; the roadmap shows one group
        # per screen (see below)
        if main and name not in ("words", "roadmap"):
            assert height <= S.MAIN_HEIGHT, (aid, name, height)


def test_matrix_fits_768(figures: dict[str, list[Any]]) -> None:
    fig = next(f for _, name, _, f in figures["demo-id"] if name == "matrix")
    assert fig.layout.height <= S.MAIN_HEIGHT < 768


def _roadmap(figures: dict[str, list[Any]], which: str) -> go.Figure:
    return next(f for _, name, _, f in figures[which] if name == "roadmap")


def _unwrap(text: str) -> str:
    return re.sub(r"<[^>]+>", " ", text.replace("<br>", " ")).split()


@pytest.mark.parametrize("lang", ["id", "en"])
def test_roadmap_plan_order_and_full_owner_names(stores: dict[str, WorkshopStore],
                                                 figures: dict[str, list[Any]],
                                                 lang: str) -> None:
    from cityworkshop import analysis as A

    store = stores["demo"]
    act = store.activity("branding-plan")
    steps = A.plan_steps(A.answers_frame(store.answer_rows(act.id)))
    fig = _roadmap(figures, f"demo-{lang}")
    ticks = list(fig.layout.yaxis.ticktext)
    phase = {it.id: i for i, it in enumerate(act.items)}
    owners = {o.id: o.name.get(lang) for o in store.pack.city.opds}
    # expected order, computed here: groups in order, then phase, then start month
    expected = []
    for group in dict.fromkeys(steps["group"]):
        rows = steps[steps["group"] == group]
        expected.append(f"<b>{group}</b>")
        for r in sorted(rows.itertuples(index=False),
                        key=lambda r: (phase[r.phase], r.start, int(r.entry[1:]))):
            expected.append((r.what, owners[r.owner]))
    assert len(ticks) == len(expected)
    for tick, want in zip(ticks, expected, strict=True):
        if isinstance(want, str):
            assert tick == want
            continue
        what, owner = want
        words = " ".join(_unwrap(tick))
        assert " ".join(owner.split()) in words  # the full name, never cut
        assert words.split(". ", 1)[1].startswith(" ".join(what.split())[:30])
    assert any("Dinas Kebudayaan dan Pariwisata" in tick for tick in ticks) or lang == "en"
    # bars follow the labels: each bar's y is its label's position
    steps_y = [v for v, tx in zip(fig.layout.yaxis.tickvals, ticks, strict=True)
               if not tx.startswith("<b>")]
    assert list(fig.data[0].y) == steps_y


def test_roadmap_one_group_per_screen(figures: dict[str, list[Any]]) -> None:
    fig = _roadmap(figures, "demo-id")
    menu = fig.layout.updatemenus[0]
    assert fig.layout.height <= S.SCREEN_HEIGHT
    assert menu.buttons[0].label.split(" (")[0] == "Kelompok 1"
    assert {b.label.split(" (")[0] for b in menu.buttons} == {f"Kelompok {i}" for i in range(1, 6)}
    low, high = fig.layout.yaxis.range
    assert low - high <= fig.layout.height - fig.layout.margin.t - fig.layout.margin.b + 1


@pytest.mark.parametrize("lang", ["id", "en"])
def test_roadmap_months_in_the_chart_language(figures: dict[str, list[Any]], lang: str) -> None:
    fig = _roadmap(figures, f"demo-{lang}")
    names = t("form.months", lang).split()
    assert fig.layout.xaxis.tickformat is None  # no plotly (English) month names
    for text in fig.layout.xaxis.ticktext:
        month, year = text.split("<br>")
        assert month in names and year.isdigit()
    vals, text = month_ticks("2027-09", 3, lang, every=1)
    assert vals == ["2027-09-01", "2027-10-01", "2027-11-01", "2027-12-01"]
    assert [x.split("<br>")[0] for x in text] == (["Sep", "Okt", "Nov", "Des"] if lang == "id"
                                                   else ["Sep", "Oct", "Nov", "Dec"])


# -- in Chromium: nothing outside the figure --------------------------------------------------

_OUTSIDE = """() => {
  const svg = document.querySelector('.main-svg').getBoundingClientRect();
  const bad = [];
  for (const el of document.querySelectorAll('svg.main-svg text')) {
    const txt = el.textContent.trim();
    if (!txt || el.closest('.hoverlayer')) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0) continue;
    if (r.left < svg.left - 1 || r.right > svg.right + 1 || r.top < svg.top - 1 ||
        r.bottom > svg.bottom + 1) bad.push([txt, r.left, r.top, r.right, r.bottom]);
  }
  // a legend too tall for its place scrolls (and hides items)
  const sb = document.querySelector('.legend .scrollbar');
  if (sb && sb.getBBox().height > 0) bad.push(['legend scrolls']);
  const cb = document.querySelector('.colorbar .cbtitle text');
  return {bad, svg: [svg.width, svg.height], cbtitle: cb ? cb.textContent : null};
}"""


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="needs Debian's chromium at /usr/bin/chromium")
@pytest.mark.parametrize("name", ["heatmap", "roadmap", "matrix"])
@pytest.mark.parametrize("width", [1186, 900])  # JupyterLab's output area; the report
def test_no_text_outside_the_figure(figures: dict[str, list[Any]], tmp_path: Path, name: str,
                                    width: int) -> None:
    from playwright.sync_api import sync_playwright
    from plotly.offline import get_plotlyjs

    (tmp_path / "plotly.min.js").write_text(get_plotlyjs(), encoding="utf-8")
    fig = next(f for _, n, _, f in figures["demo-id"] if n == name)
    div = fig.to_html(full_html=False, include_plotlyjs="directory", div_id="fig")
    page_file = tmp_path / f"{name}.html"
    page_file.write_text(f"<!doctype html><meta charset='utf-8'><body style='margin:0'>"
                         f"<div style='width:{width}px'>{div}</div>", encoding="utf-8")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1366, "height": 768})
            page.goto(page_file.as_uri())
            page.wait_for_selector(".main-svg")
            result = page.evaluate(_OUTSIDE)
        finally:
            browser.close()
    assert result["svg"][1] == pytest.approx(fig.layout.height, abs=1)
    assert result["bad"] == []
    if name == "heatmap":
        assert result["cbtitle"] == t("chart.mean", "id")  # drawn whole, inside the figure
