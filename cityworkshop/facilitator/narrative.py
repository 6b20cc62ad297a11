"""The guided notebooks' city-specific texts on the projector, from the workshop's pack.

Pages layer: :mod:`cityworkshop.narrative` fills the texts from the pack the workshop keeps;
these show them as Markdown output of a code cell (the presenter view hides the code), in the
facilitator's language first and the other language after it in italics, as the notebooks'
own markdown cells are written.

>>> narrative(store, "scoring", LANG, activity="disruptive-scoring")  # doctest: +SKIP
>>> session_intro(store, "01_kota_disruptif.ipynb", LANG)  # doctest: +SKIP
"""

from __future__ import annotations

from typing import Any

from IPython.display import Markdown

from ..content import ContentPack
from ..narrative import narrative_heading, narrative_text, session_lines

__all__ = ["narrative", "session_intro"]


def _pack(store_or_pack: Any) -> ContentPack:
    return store_or_pack if isinstance(store_or_pack, ContentPack) else store_or_pack.pack


def _other(lang: str) -> str:
    return "id" if lang == "en" else "en"


def _italic(text: str) -> str:
    """Every line of ``text`` in italics (a list item keeps its marker)."""
    out = []
    for line in text.splitlines():
        stripped = line.strip()
        if not stripped:
            out.append("")
            continue
        marker = ""
        for m in ("- ", "* "):
            if stripped.startswith(m):
                marker, stripped = m, stripped[len(m):]
        out.append(f"{marker}*{stripped}*")
    return "\n".join(out)


def narrative_markdown(store_or_pack: Any, key: str, lang: str,
                       activity: str | None = None) -> str:
    """The Markdown :func:`narrative` shows: heading, the text in ``lang``, the other in italics."""
    pack = _pack(store_or_pack)
    parts = []
    heading = narrative_heading(pack, key, lang, activity)
    if heading:
        parts.append(f"## {heading}")
    parts.append(narrative_text(pack, key, lang, activity))
    parts.append(_italic(narrative_text(pack, key, _other(lang), activity)))
    return "\n\n".join(parts)


def narrative(store_or_pack: Any, key: str, lang: str = "id",
              activity: str | None = None) -> Markdown:
    """One text of the guided notebook (see :mod:`cityworkshop.narrative`) as Markdown.

    Parameters
    ----------
    store_or_pack
        The workshop (:class:`~cityworkshop.store.WorkshopStore`) or its pack.
    key
        Which text, e.g. ``"scoring"`` or ``"thanks"``.
    lang
        ``"id"`` or ``"en"``: shown first; the other language follows in italics.
    activity
        The activity the text is about: fills ``{title}``, ``{budget}`` ...
    """
    return Markdown(narrative_markdown(store_or_pack, key, lang, activity))


def session_intro(store_or_pack: Any, notebook: str, lang: str = "id") -> Markdown:
    """The sessions of the program shown in ``notebook``: their times (in the city's time
    zone), titles and descriptions, from the pack; empty when the program has none there."""
    pack = _pack(store_or_pack)
    first = session_lines(pack, notebook, lang)
    second = session_lines(pack, notebook, _other(lang))
    return Markdown("\n\n".join(first + [_italic(line) for line in second]))
