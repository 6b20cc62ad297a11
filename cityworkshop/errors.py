"""Errors of cityworkshop: one base class, subclasses that also inherit the matching builtin.

Every message says what went wrong, where, and what to do. Participants never see these
directly: the participant page turns them into a friendly sentence in their language.
"""

from __future__ import annotations

from dataclasses import dataclass


class CityWorkshopError(Exception):
    """Base class of every error raised on purpose by cityworkshop.

    Raised with a catalogue ``key`` (and its ``params``), the error can say itself in the user's
    language through :meth:`message`; ``str(err)`` is the English text, for logs.
    """

    key: str | None = None
    params: dict[str, object]

    def __init__(self, *args: object, key: str | None = None, **params: object):
        self.key = key
        self.params = params
        if key is not None and not args:
            from .i18n import t

            args = (t(key, "en", **params),)
        super().__init__(*args)

    def message(self, lang: str) -> str:
        """The message in ``lang`` (``id`` or ``en``)."""
        if self.key is None:
            return str(self)
        from .i18n import t

        return t(self.key, lang, **self.params)


@dataclass(frozen=True)
class Problem:
    """One problem found while validating a content file."""

    file: str
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.field}: {self.message}"


class ContentError(CityWorkshopError, ValueError):
    """A content pack file is missing or invalid; ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        lines = [f"{len(self.problems)} problem(s) in the content pack:"]
        lines += [f"  - {p}" for p in self.problems]
        super().__init__("\n".join(lines))

    def message(self, lang: str) -> str:
        from .i18n import t
        from .packs import problem_text

        lines = [t("error.content", lang, n=len(self.problems))]
        lines += [f"  - {problem_text(p, lang)}" for p in self.problems]
        return "\n".join(lines)


class NotFound(CityWorkshopError, KeyError):
    """Something asked for by id or code does not exist."""

    def __str__(self) -> str:  # KeyError would add quotes around the message
        return str(self.args[0]) if self.args else "not found"


class InvalidAnswer(CityWorkshopError, ValueError):
    """An answer sent to the store breaks the activity's rules.

    ``key`` names a message in the interface catalogue (see :mod:`cityworkshop.i18n`) and
    ``params`` fills it, so the participant page can show it in the participant's language.
    """

    def __init__(self, key: str, **params: object):
        super().__init__(key=key, **params)


class ActivityClosed(InvalidAnswer):
    """The activity is not open for answers."""


class StoreError(CityWorkshopError, RuntimeError):
    """The database cannot be used: not a workshop database, or from a newer release."""


class StoreUnavailable(StoreError):
    """The workshop database cannot take a write right now: its file was deleted or replaced
    since it was opened, the disk is full, or the file became read-only. Nothing was saved;
    the participant page says so (``error.not_saved``) and the server's terminal says why."""
