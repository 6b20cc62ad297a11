"""HTML text every page builds alike: text escaped, and the message box.

Top layer: no import of cityworkshop, no widget. The forms, the participant page, the
facilitator's blocks, the report, the comparison page and the charts' plotly labels escape
through :func:`escape` (a test fails on ``html.escape`` anywhere else), and every ``cw-msg``
box is :func:`message_html`.

>>> escape("<b>Tangsel</b> & 'kota'")
'&lt;b&gt;Tangsel&lt;/b&gt; &amp; &#x27;kota&#x27;'
>>> message_html("Terkirim", "ok")
'<div class="cw-msg cw-msg-ok">Terkirim</div>'
"""

from __future__ import annotations

import html

__all__ = ["escape", "message_html"]


def escape(value: object, *, quote: bool = True) -> str:
    """``value`` shown as text in HTML: ``&``, ``<``, ``>`` and quotes escaped; None is "".

    Parameters
    ----------
    value
        Any value; participant input included (it is made text, never markup).
    quote
        Escape ``"`` and ``'`` too (the default: safe inside an attribute as well). Plotly
        labels (titles, ticks, hover text) take ``quote=False``: plotly's own markup knows only
        ``<``, ``>`` and ``&``, and would show ``&quot;`` as it is written.
    """
    return "" if value is None else html.escape(str(value), quote=quote)


def message_html(text: str, kind: str = "info") -> str:
    """A message box (``cw-msg cw-msg-<kind>``, ``kind`` info, ok, warn or error) as HTML;
    ``text`` is escaped (it may hold participant input). No text, no box: ``""``."""
    if not text:
        return ""
    return f'<div class="cw-msg cw-msg-{escape(kind)}">{escape(text)}</div>'
