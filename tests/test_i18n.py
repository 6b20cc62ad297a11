"""Tests of the interface catalogues (cityworkshop/locales/*.json) and cityworkshop.i18n.

Both languages have the same keys and the same {placeholders}; every key the library uses as a
literal exists in both; no string is empty. The catalogues and sources are read at test time.
"""

from __future__ import annotations

import ast
import json
import re
import string
from pathlib import Path

import pytest

from cityworkshop.i18n import t

PKG = Path(__file__).resolve().parent.parent / "cityworkshop"
LOCALES = PKG / "locales"

# t("key" ...), InvalidAnswer("key" ...), ActivityClosed("key" ...) and key="..." (errors)
KEY_CALL = re.compile(
    r"""\b(?:t|InvalidAnswer|ActivityClosed)\(\s*["']([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)+)["']""")
KEY_KWARG = re.compile(r"""\bkey\s*=\s*["']([A-Za-z0-9_]+(?:\.[A-Za-z0-9_]+)+)["']""")


def _catalogue(lang: str) -> dict[str, str]:
    return json.loads((LOCALES / f"{lang}.json").read_text(encoding="utf-8"))


def _placeholders(template: str) -> set[str]:
    return {name.split(".")[0].split("[")[0]
            for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def _sources() -> list[Path]:
    return sorted(PKG.rglob("*.py"))


def _used_keys() -> dict[str, set[str]]:
    """Key literal -> the source files that use it."""
    used: dict[str, set[str]] = {}
    for path in _sources():
        text = path.read_text(encoding="utf-8")
        for rx in (KEY_CALL, KEY_KWARG):
            for key in rx.findall(text):
                used.setdefault(key, set()).add(str(path.relative_to(PKG.parent)))
    return used


def test_both_catalogues_are_flat_string_maps():
    for lang in ("id", "en"):
        cat = _catalogue(lang)
        assert cat, lang
        assert all(isinstance(k, str) and isinstance(v, str) for k, v in cat.items()), lang


def test_catalogues_have_the_same_keys():
    id_keys, en_keys = set(_catalogue("id")), set(_catalogue("en"))
    assert sorted(id_keys - en_keys) == [], "keys only in id.json"
    assert sorted(en_keys - id_keys) == [], "keys only in en.json"


def test_catalogues_have_the_same_placeholders_per_key():
    id_cat, en_cat = _catalogue("id"), _catalogue("en")
    diff = {k: (sorted(_placeholders(id_cat[k])), sorted(_placeholders(en_cat[k])))
            for k in id_cat.keys() & en_cat.keys()
            if _placeholders(id_cat[k]) != _placeholders(en_cat[k])}
    assert diff == {}


def test_no_empty_strings():
    for lang in ("id", "en"):
        empty = sorted(k for k, v in _catalogue(lang).items() if not v.strip())
        assert empty == [], f"empty strings in {lang}.json"


def test_no_duplicate_keys_in_the_json_files():
    for lang in ("id", "en"):
        seen: list[str] = []

        def hook(pairs: list[tuple[str, object]], seen: list[str] = seen) -> dict:
            seen.extend(k for k, _ in pairs)
            return dict(pairs)

        json.loads((LOCALES / f"{lang}.json").read_text(encoding="utf-8"), object_pairs_hook=hook)
        dup = sorted({k for k in seen if seen.count(k) > 1})
        assert dup == [], f"keys repeated in {lang}.json (the last one silently wins)"


def test_the_scan_finds_the_keys_the_store_uses():
    """Guard for the scanner itself: keys known to be used by store.py are found."""
    used = _used_keys()
    for key in ("join.bad_code", "answer.score_range", "answer.closed", "answer.empty"):
        assert key in used, key


def test_every_key_used_in_the_source_exists_in_both_catalogues():
    used = _used_keys()
    for lang in ("id", "en"):
        cat = _catalogue(lang)
        missing = {k: sorted(files) for k, files in used.items() if k not in cat}
        assert missing == {}, f"keys used in the source but missing from {lang}.json"


def _keyed_calls() -> list[tuple[str, str, set[str], int]]:
    """(file, key, keyword names passed, line) for each InvalidAnswer/ActivityClosed/t call with a
    literal key and only plain keyword arguments."""
    out = []
    for path in _sources():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            key = None
            if name in ("InvalidAnswer", "ActivityClosed") and node.args:
                arg = node.args[0]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    key = arg.value
            for kw in node.keywords:
                if kw.arg == "key" and isinstance(kw.value, ast.Constant):
                    key = kw.value.value
            if key is None or any(kw.arg is None for kw in node.keywords):  # **params
                continue
            params = {kw.arg for kw in node.keywords if kw.arg != "key"}
            out.append((str(path.relative_to(PKG.parent)), key, params, node.lineno))
    return out


def test_error_calls_pass_exactly_the_placeholders_of_their_message():
    en = _catalogue("en")
    calls = _keyed_calls()
    assert calls, "no keyed error call found: the scanner is broken"
    wrong = [f"{f}:{line} {key}: passes {sorted(params)}, message wants "
             f"{sorted(_placeholders(en[key]))}"
             for f, key, params, line in calls
             if key in en and params != _placeholders(en[key])]
    assert wrong == []


@pytest.mark.parametrize("lang", ["id", "en"])
def test_t_formats_from_the_catalogue(lang):
    template = _catalogue(lang)["join.bad_code"]
    assert t("join.bad_code", lang, code="ABC123") == template.replace("{code}", "ABC123")


def test_t_defaults_to_bahasa_indonesia(monkeypatch):
    monkeypatch.delenv("CITYWORKSHOP_LANG", raising=False)
    assert t("join.button") == _catalogue("id")["join.button"]
    monkeypatch.setenv("CITYWORKSHOP_LANG", "en")
    assert t("join.button") == _catalogue("en")["join.button"]


def test_t_never_crashes_on_a_missing_key_or_parameter():
    assert t("no.such.key", "en") == "no.such.key"
    assert t("join.bad_code", "en") == _catalogue("en")["join.bad_code"]  # {code} left as is
