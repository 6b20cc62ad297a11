"""Text answers as a wall of entries, and the words the room uses most.

Analysis layer: :func:`text_entries` turns the answer rows of a text activity (ideas,
definitions, feedback, reflections) into one row per entry; :func:`word_frequencies` counts the
words of any texts, without Indonesian and English stop-words. Text is kept verbatim: escaping
is the job of whoever shows it.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
else:
    from . import pd

__all__ = ["STOPWORDS_EN", "STOPWORDS_ID", "text_entries", "word_frequencies", "summaries"]

ENTRY_COLUMNS = ("subject", "group_id", "group", "participant", "entry", "text", "item_id",
                 "about_group", "ref", "created_at")

# a word list reads (and is edited) best as text: split, not a list literal
STOPWORDS_ID = frozenset("""
ada adalah adanya agar akan akhirnya aku amat anda antar antara apa apabila apakah atas atau
bagai bagaimana bagi bahkan bahwa banyak baru beberapa begitu belum benar berada berbagai
bersama beserta bila bisa boleh bukan cukup dalam dan dapat dari daripada demi dengan di dia
dimana diri dong hal hanya harus hingga ia ingin ini itu jadi jika juga justru kalau kami kamu
kan karena ke kecuali kemudian kepada kita lagi lah lain lalu maka mana masih masing
masing-masing melalui memang mereka meski meskipun mungkin namun nanti nya oleh pada para
paling per perlu pula pun punya saat saja sampai sangat saya se sebab sebagai sebelum sedang
sehingga sejak sekali semua seperti serta sesuai setelah setiap sudah supaya tak tanpa tapi
telah tentang terhadap termasuk tersebut tetapi tidak yaitu yakni yang dgn utk yg tdk
dll dsb sbg jg krn pd dr tsb sih kok deh ya untuk kepada merupakan menjadi secara
sebuah suatu seorang sendiri sedangkan tiap lebih pernah jangan oleh ini
""".split())  # noqa: SIM905
"""Indonesian function words left out of word counts ("kota", "warga" are kept on purpose)."""

STOPWORDS_EN = frozenset("""
a about above after again against all also am an and any are as at be because been before
being below between both but by can could did do does doing down during each few for from
further had has have having he her here hers herself him himself his how i if in into is it
its itself just me more most my myself no nor not now of off on once only or other our ours
ourselves out over own same she should so some such than that the their theirs them
themselves then there these they this those through to too under until up very was we were
what when where which while who whom why will with would you your yours yourself yourselves
s t don etc
""".split())  # noqa: SIM905
"""English function words left out of word counts."""

_WORD = re.compile(r"[^\W\d_]+(?:-[^\W\d_]+)*")  # letters, hyphen-joined (kota-kota); no digits


def _frame(frame: Any) -> pd.DataFrame:
    """An answers frame, built from store rows when given a list of rows."""
    from . import answers_frame

    if isinstance(frame, pd.DataFrame):
        return frame
    return answers_frame(frame)


def text_entries(frame: pd.DataFrame | Iterable[Mapping[str, Any]]) -> pd.DataFrame:
    """One row per written entry of a text activity, with the item it is linked to.

    Parameters
    ----------
    frame
        An answers frame (:func:`~cityworkshop.analysis.answers_frame`) of a text activity, or
        the rows of ``WorkshopStore.answer_rows`` directly.

    Returns
    -------
    DataFrame
        Columns ``subject``, ``group_id``, ``group``, ``participant``, ``entry`` (the entry key,
        ``e00``...), ``text`` (verbatim, never escaped), ``item_id`` (the linked item or None),
        ``about_group`` (the group the feedback is about, or None), ``ref``
        (``f"{subject}#{entry}"``, what :meth:`WorkshopStore.pin` takes) and ``created_at``.
        Sorted by group id, subject and entry. An empty input gives an empty frame.

    Examples
    --------
    >>> text_entries([]).columns.tolist()[:4]
    ['subject', 'group_id', 'group', 'participant']
    """
    frame = _frame(frame)
    texts = frame[frame["field"] == "text"]
    if texts.empty:
        return pd.DataFrame(columns=list(ENTRY_COLUMNS)).astype({"group_id": "int64"})
    links = frame[frame["field"] == "item"][["submission_id", "item_id", "value_text"]]
    links = links.rename(columns={"item_id": "entry", "value_text": "linked"})
    out = texts.rename(columns={"item_id": "entry", "value_text": "text"})
    out = out.merge(links, on=["submission_id", "entry"], how="left")
    out["item_id"] = out["linked"].astype(object).where(out["linked"].notna(), None)
    out["about_group"] = out["about_group"].astype(object).where(out["about_group"].notna(), None)
    out["ref"] = out["subject"].astype(str) + "#" + out["entry"].astype(str)
    out = out.sort_values(["group_id", "subject", "entry"], kind="stable")
    return out[list(ENTRY_COLUMNS)].reset_index(drop=True)


def word_frequencies(
    texts: Iterable[str | None],
    *,
    top: int | None = 30,
    extra_stopwords: Iterable[str] = (),
) -> pd.DataFrame:
    """The words used most often in ``texts``, without stop-words.

    Words are lower-cased; punctuation is stripped; numbers (``2029``) are dropped, so are
    one-letter words and the Indonesian and English stop-words (:data:`STOPWORDS_ID`,
    :data:`STOPWORDS_EN`). Hyphenated words (``kota-kota``) count as one word. Content words
    such as "kota" are kept.

    Parameters
    ----------
    texts
        Any texts (e.g. ``text_entries(frame)["text"]``); None and NaN are skipped.
    top
        How many words to return, at most (``None``: all).
    extra_stopwords
        More words to leave out, e.g. the city's name (compared lower-case).

    Returns
    -------
    DataFrame
        Columns ``word``, ``count`` (int), most frequent first, ties alphabetical.

    Examples
    --------
    >>> word_frequencies(["Kota yang ramah, kota yang hijau!"]).values.tolist()
    [['kota', 2], ['hijau', 1], ['ramah', 1]]
    """
    stop = STOPWORDS_ID | STOPWORDS_EN | {str(w).lower() for w in extra_stopwords}
    counts: Counter[str] = Counter()
    for text in texts:
        if not isinstance(text, str):
            continue
        for word in _WORD.findall(text.lower()):
            if len(word) > 1 and word not in stop:
                counts[word] += 1
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    if top is not None:
        ranked = ranked[: max(int(top), 0)]
    return pd.DataFrame(ranked, columns=["word", "count"]).astype({"word": object,
                                                                    "count": "int64"})


def summaries(activity: Any, data: Any) -> dict[str, Any]:
    """The frames of a text activity's results: ``answers``, ``entries``
    (:func:`text_entries`) and ``words`` (:func:`word_frequencies` of every entry, all words;
    the charts show the first few)."""
    from . import answers_frame

    frame = answers_frame(data.rows)
    entries = text_entries(frame)
    words = word_frequencies(entries["text"].astype(str).tolist(), top=None)
    return {"answers": frame, "entries": entries, "words": words}
