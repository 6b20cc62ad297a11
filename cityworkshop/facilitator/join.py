"""The join card for the projector: the participant page's link, its QR code, the group codes
and how many have joined, live.

Pages layer. The link is the one phones can reach (:func:`cityworkshop.venue.find_page_address`:
the venue-network address when the page server listens on every interface, and a warning when
it listens on 127.0.0.1 only). The QR code is drawn by segno as inline SVG: nothing is fetched.
Notebook 00 shows it; every control panel opens it with one click ("Cara bergabung").

>>> JoinCard(store, "id")  # doctest: +SKIP
"""

from __future__ import annotations

import asyncio
import logging
import shlex
from pathlib import Path

import ipywidgets as widgets

from .. import palette as P
from ..i18n import t
from ..store import WorkshopStore
from ..venue import PageAddress, find_page_address
from ._html import CSS, banner, esc
from ._live import running_loop

__all__ = ["JoinCard", "join_counts", "qr_svg"]

_log = logging.getLogger(__name__)
WATCH_SECONDS = 0.25  # how often the change counter is compared
ADDRESS_EVERY_S = 5.0  # how often a card without a running page server looks again
QR_PIXELS = 300  # about this wide on the screen

JOIN_CSS = P.css("""<style>
.cw-join {display: flex; flex-wrap: wrap; gap: 10px 28px; align-items: center;}
.cw-join-qr svg {display: block; background: $white;}
.cw-join-text {flex: 1 1 420px; min-width: 0;}
.cw-join-url {font-size: 44px; font-weight: 800; color: $accent; overflow-wrap: anywhere;
  font-family: "DejaVu Sans Mono", monospace; line-height: 1.15;}
.cw-join-steps {font-size: 22px; margin: 8px 0;}
.cw-join-warn {font-size: 18px; font-weight: 600; color: $caution; background: $caution_bg;
  border-radius: 8px; padding: 8px 12px; margin: 6px 0;}
.cw-join-count {font-size: 30px; font-weight: 800; color: $good;}
.cw-join .cw-codes, .cw-join-codes .cw-codes {grid-template-columns: repeat(auto-fill,
  minmax(200px, 1fr)); gap: 10px;}
.cw-join-codes .cw-code-card {padding: 6px;}
.cw-join-codes .cw-code-card .cw-group {font-size: 20px;}
.cw-join-codes .cw-code-card .cw-code {font-size: 40px; letter-spacing: 4px;}
.cw-join-codes .cw-joined {font-size: 15px; color: $muted;}
</style>""")


def qr_svg(url: str, pixels: int = QR_PIXELS) -> str:
    """The QR code of ``url`` as inline SVG, about ``pixels`` wide (segno, error level M).

    >>> qr_svg("http://192.168.1.23:8866/").startswith("<svg")
    True
    """
    import segno

    qr = segno.make(url, error="m")
    width, _ = qr.symbol_size(border=2)
    scale = max(3, pixels // width)
    return qr.svg_inline(scale=scale, border=2, dark=P.DARK, light=P.WHITE)


def join_counts(store: WorkshopStore) -> tuple[int, int, list[tuple[str, str, int]]]:
    """``(joined, expected, [(group name, group code, joined), ...])``.

    ``expected`` is the program's ``participants_expected`` (40 for Tangsel), or the number who
    joined when more came.
    """
    sizes = store.group_sizes()
    joined = sum(sizes.values())
    expected = max(store.pack.program.participants_expected, joined)
    return joined, expected, [(g.name, g.code, sizes.get(g.id, 0)) for g in store.list_groups()]


class JoinCard(widgets.VBox):
    """How participants join, for the projector: big link, QR code, group codes, "n of N".

    Parameters
    ----------
    store
        The workshop.
    lang
        ``"id"`` or ``"en"``.
    address
        The participant page's address; default: what ``cityworkshop up``/``serve`` handed on
        (:func:`cityworkshop.venue.find_page_address`), looked up again while none is found.
    codes
        Show the group codes (notebook 00 and the control panels do).

    Attributes
    ----------
    link, count, codes : HTML
        The link with its QR code (or how to start the page server); "n dari N peserta sudah
        bergabung"; one card per group with its code and how many joined.
    address : PageAddress or None
    """

    def __init__(self, store: WorkshopStore, lang: str = "id", *,
                 address: PageAddress | None = None, codes: bool = True):
        self.store = store
        self.lang = lang
        self._fixed = address is not None
        self.address = (address if address is not None
                        else find_page_address(store.path, store=store))
        self._task: asyncio.Task[None] | None = None
        self.link = widgets.HTML()
        self.count = widgets.HTML()
        self.codes = widgets.HTML()
        self._show_codes = codes
        self.link.add_class("cw-join-link")
        self.count.add_class("cw-join-counter")
        self.codes.add_class("cw-join-codes")
        head = widgets.HTML(f'{CSS}{JOIN_CSS}{banner(store, lang)}<div class="cw-box" '
                            'style="max-width:1300px">'
                            f'<h3>{esc(t("joincard.heading", lang))}</h3></div>')
        super().__init__([head, self.link, self.count, self.codes] if codes
                         else [head, self.link, self.count])
        self.add_class("cw-join-card")
        self.draw_link()
        self.refresh()
        if running_loop() is not None:
            self.start()

    # -- drawing ------------------------------------------------------------------------------

    def draw_link(self) -> None:
        """The link and its QR code, or how to start the participant page's server."""
        lang = self.lang
        a = self.address
        if a is None:
            from ..store.postgres import is_url

            # a server workshop's URL as typed (its password hidden), quoted for the shell
            db = self.store.where if is_url(self.store.path) else str(Path(self.store.path))
            cmd = f"cityworkshop serve --db {shlex.quote(db)} --host 0.0.0.0"
            self.link.value = (f'<div class="cw-box" style="max-width:1300px">'
                               f'<div class="cw-join-warn">{esc(t("joincard.no_server", lang))}'
                               f'<br><code>{esc(cmd)}</code></div></div>')
            return
        warn = (f'<div class="cw-join-warn">{esc(t("joincard.local_only", lang))}</div>'
                if a.local_only else "")
        self.link.value = (
            f'<div class="cw-box" style="max-width:1300px"><div class="cw-join">'
            f'<div class="cw-join-qr" role="img" aria-label="{esc(t("joincard.qr_label", lang))}">'
            f"{qr_svg(a.url)}</div>"
            f'<div class="cw-join-text"><div class="cw-join-url">{esc(a.url)}</div>'
            f'<div class="cw-join-steps">{esc(t("joincard.steps", lang))}</div>{warn}</div>'
            "</div></div>")

    def refresh(self) -> None:
        """Count who joined, per group, again."""
        joined, expected, groups = join_counts(self.store)
        self.count.value = (f'<div class="cw-box"><span class="cw-join-count">'
                            f'{esc(t("joincard.count", self.lang, n=joined, total=expected))}'
                            "</span></div>")
        if not self._show_codes:
            return
        cards = "".join(
            f'<div class="cw-code-card"><div class="cw-group">{esc(name)}</div>'
            f'<div class="cw-code">{esc(code)}</div><div class="cw-joined">'
            f'{esc(t("joincard.group_joined", self.lang, n=n))}</div></div>'
            for name, code, n in groups)
        self.codes.value = (f'<div class="cw-box" style="max-width:1300px">'
                            f'<div class="cw-codes">{cards}</div></div>')

    def look_for_server(self) -> bool:
        """Look again for a participant server that started after this card (True: found)."""
        if self._fixed or self.address is not None:
            return False
        found = find_page_address(self.store.path, store=self.store)
        if found is None:
            return False
        self.address = found
        self.draw_link()
        return True

    # -- live ---------------------------------------------------------------------------------

    def start(self) -> bool:
        """Follow the change watcher: a new participant shows within a fraction of a second."""
        loop = running_loop()
        if loop is None:
            return False
        if self._task is None or self._task.done():
            self._task = loop.create_task(self._follow())
        return True

    def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None

    async def _follow(self) -> None:
        from ..store.watch import watcher_for

        watcher = watcher_for(self.store.path)
        seen, waited = watcher.version, 0.0
        while True:
            await asyncio.sleep(WATCH_SECONDS)
            waited += WATCH_SECONDS
            try:
                if waited >= ADDRESS_EVERY_S:
                    waited = 0.0
                    self.look_for_server()
                if watcher.version != seen:
                    seen = watcher.version
                    self.refresh()
            except Exception as e:  # noqa: BLE001 - a busy database must not stop the card
                _log.warning("join card refresh failed: %s", e)
