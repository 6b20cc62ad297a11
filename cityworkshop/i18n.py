"""Interface strings in Bahasa Indonesia (default) and English.

One JSON catalogue per language in ``locales/``; ``t(key, lang, **params)`` formats one.
A test checks that both catalogues have the same keys and the same placeholders.
"""

from __future__ import annotations

import json
import os
from functools import cache
from importlib import resources

LANGUAGES = ("id", "en")
DEFAULT_LANG = "id"


def default_lang() -> str:
    """The language from ``CITYWORKSHOP_LANG`` (``id`` or ``en``), else Bahasa Indonesia."""
    lang = os.environ.get("CITYWORKSHOP_LANG", DEFAULT_LANG).strip().lower()
    return lang if lang in LANGUAGES else DEFAULT_LANG


@cache
def catalogue(lang: str) -> dict[str, str]:
    """All interface strings of one language."""
    if lang not in LANGUAGES:
        raise ValueError(f"Unknown language {lang!r}: use one of {', '.join(LANGUAGES)}.")
    text = resources.files("cityworkshop").joinpath("locales", f"{lang}.json").read_text("utf-8")
    strings: dict[str, str] = json.loads(text)
    return strings


def t(key: str, lang: str | None = None, /, **params: object) -> str:
    """The interface string ``key`` in ``lang``, formatted with ``params``.

    >>> t("join.button", "id")
    'Gabung'
    """
    lang = lang or default_lang()
    cat = catalogue(lang)
    try:
        template = cat[key]
    except KeyError:
        # A missing key is a bug that the catalogue test catches; never crash the page for it.
        template = catalogue(DEFAULT_LANG).get(key, key)
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return template
