"""Every answer of the workshop as tables: one XLSX workbook, or a folder of UTF-8 CSV files.

Report layer, private to :mod:`cityworkshop.report`. One sheet per activity with the tidy rows of
``WorkshopStore.answer_rows`` (current answers; questions from ``question_rows``), one sheet of
every revision, and a sheet that explains each column ("Keterangan" / "README").
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..i18n import t

if TYPE_CHECKING:
    import pandas as pd

    from ..store import WorkshopStore

ANSWER_COLUMNS = ("activity_id", "submission_id", "subject", "group_id", "group",
                  "participant_id", "participant", "about_group_id", "about_group", "item_id",
                  "item_label", "field", "value_num", "value_text", "created_at",
                  "created_at_wib")
REVISION_COLUMNS = (*ANSWER_COLUMNS, "is_current")
QUESTION_COLUMNS = ("activity_id", "question_id", "text", "group_id", "group", "participant_id",
                    "participant", "votes", "answered", "created_at", "created_at_wib",
                    "answered_at")
_COLUMN_KEYS = {  # column -> catalogue key of its meaning
    "activity_id": "export.col_activity_id", "submission_id": "export.col_submission_id",
    "subject": "export.col_subject", "group_id": "export.col_group_id",
    "group": "export.col_group", "participant_id": "export.col_participant_id",
    "participant": "export.col_participant", "about_group_id": "export.col_about_group_id",
    "about_group": "export.col_about_group", "item_id": "export.col_item_id",
    "item_label": "export.col_item_label", "field": "export.col_field",
    "value_num": "export.col_value_num", "value_text": "export.col_value_text",
    "created_at": "export.col_created_at", "created_at_wib": "export.col_created_at_wib",
    "is_current": "export.col_is_current", "question_id": "export.col_question_id",
    "text": "export.col_text", "votes": "export.col_votes", "answered": "export.col_answered",
    "answered_at": "export.col_answered_at",
}
MAX_SHEET = 31
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(name: str, used: set[str]) -> str:
    """An Excel sheet name: no ``[]:*?/\\``, at most 31 characters, unique (case-insensitive)."""
    base = _BAD_SHEET_CHARS.sub("-", name).strip("'") or "sheet"
    candidate, n = base[:MAX_SHEET], 1
    while candidate.lower() in used:
        n += 1
        suffix = f"~{n}"
        candidate = base[:MAX_SHEET - len(suffix)] + suffix
    used.add(candidate.lower())
    return candidate


def _local(store: WorkshopStore, utc_iso: Any) -> str:
    from .html import local

    return f"{local(store, utc_iso):%Y-%m-%d %H:%M:%S}" if utc_iso else ""


def _labels(store: WorkshopStore, activity: Any, lang: str) -> dict[str, str]:
    if activity.kind in ("plan",):
        return {}
    return {it.id: it.label.get(lang) for it in store.items_of(activity)}


def _answers(store: WorkshopStore, activity: Any, lang: str, *, history: bool,
             anonymous: bool) -> pd.DataFrame:
    import pandas as pd

    labels = _labels(store, activity, lang)
    rows = store.answer_rows(activity.id, history=history)
    current: set[int] = set()
    if history:
        current = {r["submission_id"] for r in store.answer_rows(activity.id)}
    records = []
    for r in rows:
        rec = {c: r.get(c) for c in ANSWER_COLUMNS if c in r}
        item = r["item_id"]
        if activity.kind == "plan" and r["field"] == "phase":
            rec["item_label"] = next((it.label.get(lang) for it in activity.items
                                      if it.id == r["value_text"]), "")
        else:
            rec["item_label"] = labels.get(item, "")
        rec["created_at_wib"] = _local(store, r["created_at"])
        if history:
            rec["is_current"] = r["submission_id"] in current
        records.append(rec)
    cols = list(REVISION_COLUMNS if history else ANSWER_COLUMNS)
    frame = pd.DataFrame(records, columns=cols)
    return frame.drop(columns=["participant"]) if anonymous else frame


def _questions(store: WorkshopStore, activity: Any, *, anonymous: bool) -> pd.DataFrame:
    import pandas as pd

    records = []
    for r in store.question_rows(activity.id):
        rec = {c: r.get(c) for c in QUESTION_COLUMNS if c in r}
        rec.update(activity_id=activity.id, answered=r["answered_at"] is not None,
                   created_at_wib=_local(store, r["created_at"]))
        records.append(rec)
    frame = pd.DataFrame(records, columns=list(QUESTION_COLUMNS))
    return frame.drop(columns=["participant"]) if anonymous else frame


def workbook(store: WorkshopStore, *, anonymous: bool = False,
             lang: str = "id") -> dict[str, pd.DataFrame]:
    """The sheets of the export, in order: explanation, one per activity, all revisions."""
    import pandas as pd

    used: set[str] = set()
    readme_name = _sheet_name(t("export.readme_sheet", lang), used)
    sheets: dict[str, pd.DataFrame] = {}
    listing: list[tuple[str, str, str]] = []
    revisions = []
    for activity in store.pack.program.activities:
        name = _sheet_name(activity.id, used)
        if activity.kind == "questions":
            sheets[name] = _questions(store, activity, anonymous=anonymous)
        else:
            sheets[name] = _answers(store, activity, lang, history=False, anonymous=anonymous)
            revisions.append(_answers(store, activity, lang, history=True, anonymous=anonymous))
        listing.append((name, activity.title.get(lang),
                        t("export.sheet_of", lang, kind=activity.kind, scope=activity.scope,
                          n=len(sheets[name]))))
    rev_name = _sheet_name(t("export.revisions_sheet", lang), used)
    sheets[rev_name] = (pd.concat(revisions, ignore_index=True) if revisions
                        else pd.DataFrame(columns=list(REVISION_COLUMNS)))
    listing.append((rev_name, t("export.revisions_title", lang), ""))
    what, name_col, meaning = (t("export.readme_what", lang), t("export.readme_name", lang),
                               t("export.readme_meaning", lang))
    info = store.info()
    readme: list[dict[str, str]] = [
        {what: t("export.readme_workshop", lang), name_col: store.pack.program.title.get(lang),
         meaning: t("export.readme_intro", lang, created=_local(store, info.created_at),
                    demo=t("report.yes", lang) if info.is_demo else t("report.no", lang))},
    ]
    if anonymous:
        readme.append({what: t("export.readme_workshop", lang), name_col: "anonymous",
                       meaning: t("export.readme_anonymous", lang)})
    readme += [{what: t("export.readme_sheet_row", lang), name_col: n, meaning: f"{title}. {d}"}
               for n, title, d in listing]
    columns = [c for c in dict.fromkeys((*REVISION_COLUMNS, *QUESTION_COLUMNS))
               if not (anonymous and c == "participant")]
    readme += [{what: t("export.readme_column", lang), name_col: c,
                meaning: t(_COLUMN_KEYS[c], lang)} for c in columns]
    return {readme_name: pd.DataFrame(readme, columns=[what, name_col, meaning]), **sheets}


def _is_folder(path: Path, raw: str) -> bool:
    return raw.endswith(("/", "\\")) or path.is_dir()


def export(store: WorkshopStore, path: str | Path, *, anonymous: bool = False,
           lang: str = "id") -> Path:
    """Write every activity's answers to ``path``.

    Parameters
    ----------
    store
        The workshop (read only).
    path
        ``results.xlsx``: one workbook, one sheet per activity plus "Keterangan"/"README" and
        every revision. A path ending with ``/`` or an existing folder: the same sheets as
        UTF-8 CSV files in that folder (created when its parent exists).
    anonymous
        Leave out the ``participant`` (name) column; groups and anonymous ids stay.
    lang
        Language of labels and of the explanation sheet.

    Raises :class:`~cityworkshop.report.ReportError` when ``path`` cannot be written.
    """
    from . import ReportError

    raw = str(path)
    target = Path(path)
    sheets = workbook(store, anonymous=anonymous, lang=lang)
    try:
        if _is_folder(target, raw):
            target.mkdir(exist_ok=True)
            for name, frame in sheets.items():
                frame.to_csv(target / f"{name}.csv", index=False, encoding="utf-8")
        else:
            if not target.parent.is_dir():
                raise ReportError(key="report.cannot_write", path=raw,
                                  reason=t("report.no_folder", lang))
            import pandas as pd

            with pd.ExcelWriter(target, engine="openpyxl") as writer:
                for name, frame in sheets.items():
                    frame.to_excel(writer, sheet_name=name, index=False)
                    writer.sheets[name].freeze_panes = "A2"
    except OSError as e:
        if isinstance(e, ReportError):
            raise
        raise ReportError(key="report.cannot_write", path=raw,
                          reason=e.strerror or type(e).__name__) from None
    return target
