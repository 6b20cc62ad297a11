"""cityworkshop.markup: text escaped, message boxes; and the guard that the pages escape through
it (no ``html.escape`` anywhere else in the package)."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest

from cityworkshop.markup import escape, message_html

PACKAGE = Path(__file__).resolve().parent.parent / "cityworkshop"
EVIL = "<script>alert(\"x\")</script> & 'y'"


def test_escape_is_the_standard_library_on_text() -> None:
    assert escape(EVIL) == html.escape(EVIL, quote=True)
    assert escape(3) == "3" and escape(None) == ""


def test_escape_for_plotly_leaves_quotes_alone() -> None:
    assert escape(EVIL, quote=False) == html.escape(EVIL, quote=False)
    assert '"' in escape(EVIL, quote=False) and "&quot;" not in escape(EVIL, quote=False)


@pytest.mark.parametrize("kind", ["info", "ok", "warn", "error"])
def test_message_box(kind: str) -> None:
    box = message_html(EVIL, kind)
    assert box == f'<div class="cw-msg cw-msg-{kind}">{html.escape(EVIL)}</div>'
    assert "<script>" not in box


def test_no_text_no_box() -> None:
    assert message_html("") == ""


def test_the_old_names_are_the_helpers() -> None:
    from cityworkshop.forms._base import message_html as form_message
    from cityworkshop.participant.parts import msg

    assert form_message is message_html and msg is message_html


def test_the_package_escapes_through_markup_only() -> None:
    """Every module escapes with markup.escape (or a name built on it): one rule for text that
    is shown, not two or three copies with different quoting."""
    found = [f"{p.relative_to(PACKAGE)}:{n}"
             for p in sorted(PACKAGE.rglob("*.py")) if p.name != "markup.py"
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), start=1)
             if re.search(r"\bhtml\.escape\(|^\s*import html\b|from html import", line)]
    assert found == []
