"""Ideas and plan steps that came back: an explainable text similarity and a one-to-one match.

Compare layer, private to :mod:`cityworkshop.compare`. Two texts are compared word by word:
both are normalised (Unicode NFKC, case folded, punctuation and symbols dropped, so "Taman
Kota!" and "taman kota" are the same words), then Python's :class:`difflib.SequenceMatcher`
lines up the two word sequences and gives ``2 * M / T``: ``M`` the words that line up in order,
``T`` the words of both texts. 1.0 is the same text; a word changed in a ten-word idea gives
about 0.9; two different ideas that share a few common words stay under 0.4. No language model,
no dependency: the score can be checked by hand.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

THRESHOLD = 0.6
"""Two texts match when their similarity (:func:`text_similarity`) is at least this."""
MAX_WORDS = 200
"""Words of each text that are compared (the first ones): a 1 MB text costs no more than a
long idea."""
_SCAN_CHARS = 4_000  # characters of a text read for its first MAX_WORDS words (ample)
_WORD = re.compile(r"[^\W_]+", re.UNICODE)  # letters and digits; punctuation, symbols, _ dropped

MATCH_COLUMNS = ("text_a", "group_a", "text_b", "group_b", "similarity", "same")


def words(text: object) -> tuple[str, ...]:
    """The normalised words of ``text`` that :func:`text_similarity` compares.

    >>> words("Taman kota, di SETIAP kecamatan!")
    ('taman', 'kota', 'di', 'setiap', 'kecamatan')
    """
    if not isinstance(text, str):
        return ()
    head = unicodedata.normalize("NFKC", text[:_SCAN_CHARS]).casefold()
    return tuple(_WORD.findall(head)[:MAX_WORDS])


def text_similarity(a: object, b: object) -> float:
    """How alike two texts are, 0 to 1: ``2 * M / T`` over their normalised words.

    ``M`` is the number of words that line up in order (:class:`difflib.SequenceMatcher` on
    the word sequences of :func:`words`), ``T`` the number of words of both. Blank texts are
    like nothing (0.0).

    >>> text_similarity("Bank sampah digital", "bank sampah DIGITAL.")
    1.0
    >>> round(text_similarity("Taman kota di setiap kecamatan", "Taman kota di tiap kecamatan"), 2)
    0.8
    """
    wa, wb = words(a), words(b)
    if not wa or not wb:
        return 0.0
    return difflib.SequenceMatcher(None, wa, wb, autojunk=False).ratio()


def match_texts(a: pd.DataFrame, b: pd.DataFrame, *, threshold: float = THRESHOLD
                ) -> pd.DataFrame:
    """Pairs of texts of ``a`` and ``b`` that are alike: each text in at most one pair.

    Parameters
    ----------
    a, b
        Frames with the columns ``text`` and ``group`` (e.g. the ideas of each workshop).
    threshold
        The least similarity of a pair (:data:`THRESHOLD` by default).

    Returns
    -------
    DataFrame
        Columns ``text_a``, ``group_a``, ``text_b``, ``group_b``, ``similarity`` (0 to 1),
        ``same`` (the same words). Pairs are taken greedily, the most alike first (ties in the
        order of ``a``, then ``b``), so that a text that came back twice is paired with the
        closer one; sorted by similarity, then by ``a``'s order.
    """
    import pandas as pd

    wa = [words(x) for x in a["text"]]
    wb = [words(x) for x in b["text"]]
    found: list[tuple[float, int, int]] = []
    sm = difflib.SequenceMatcher(None, autojunk=False)
    for j, y in enumerate(wb):
        if not y:
            continue
        sm.set_seq2(y)
        for i, x in enumerate(wa):
            if not x:
                continue
            sm.set_seq1(x)
            # cheap upper bounds first: most pairs are far apart
            if sm.real_quick_ratio() < threshold or sm.quick_ratio() < threshold:
                continue
            r = sm.ratio()
            if r >= threshold:
                found.append((r, i, j))
    found.sort(key=lambda f: (-f[0], f[1], f[2]))
    used_a: set[int] = set()
    used_b: set[int] = set()
    rows: list[dict[str, Any]] = []
    for r, i, j in found:
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        rows.append({"text_a": a["text"].iloc[i], "group_a": a["group"].iloc[i],
                     "text_b": b["text"].iloc[j], "group_b": b["group"].iloc[j],
                     "similarity": float(r), "same": wa[i] == wb[j], "_i": i})
    out = pd.DataFrame(rows, columns=[*MATCH_COLUMNS, "_i"])
    out = out.sort_values(["similarity", "_i"], ascending=[False, True], kind="stable")
    return out[list(MATCH_COLUMNS)].reset_index(drop=True).astype(
        {"similarity": "float64", "same": "bool"})


def non_blank(texts: pd.DataFrame, column: str) -> pd.DataFrame:
    """``texts`` with ``column`` renamed to ``text``, rows without words left out."""
    out = texts.rename(columns={column: "text"})
    keep = [bool(words(x)) for x in out["text"]]
    return out[keep].reset_index(drop=True)


__all__: Sequence[str] = ["MATCH_COLUMNS", "THRESHOLD", "match_texts", "text_similarity",
                          "words"]
