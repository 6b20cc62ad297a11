"""Every answer of the workshop as tables: one XLSX workbook, or a folder of UTF-8 CSV files.

Report layer, private to :mod:`cityworkshop.report`. One sheet per activity with the tidy rows of
``WorkshopStore.answer_rows`` (current answers; questions from ``question_rows``), one sheet of
every revision, and a sheet that explains each column ("Keterangan" / "README"). In the
workbook, sheet names and column headers are in the chosen language, columns are as wide as their
content (up to :data:`MAX_WIDTH`) and the header row stays in view; CSV files keep the stable
column ids and file names (the same in both languages, for scripts), start with a UTF-8 byte order
mark (so that Excel reads them as UTF-8) and are separated by ``,`` or, for spreadsheets set to
Indonesian (or another locale with a decimal comma), ``;`` with decimal commas. Participant names
are left out unless ``names=True``.

Whatever an older database holds, the files open cleanly and safely: control characters are
left out (:func:`~cityworkshop.report.html.clean`), a text that a spreadsheet would run as a
formula (``= + - @``, tab, CR) stays text (a string cell in XLSX, a leading ``'`` in CSV, as
OWASP advises), numbers stay numbers, and a text longer than Excel's 32,767 characters is cut in
the workbook only. Every file is written beside its target and renamed into place
(:func:`write_atomically`): a failure never leaves a partial file, and an earlier export at that
path stays as it was.
"""

from __future__ import annotations

import contextlib
import math
import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..i18n import t
from ..kinds import kind_of
from .html import clean, clean_rows

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
HEADER_KEYS = {c: f"export.head_{c}" for c in _COLUMN_KEYS}
"""Column -> catalogue key of its header in the workbook (``{tz}``: the city's time zone)."""
MAX_SHEET = 31
MAX_WIDTH = 60
"""Widest column of the workbook, in characters; a longer text wraps in the cell's editor."""
SEPARATORS = (",", ";", "\t")
"""CSV separators :func:`export` accepts; with ``;`` numbers get a decimal comma."""
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\]")
XLSX_MAX_CHARS = 32_767
"""Excel's limit of characters in one cell (UTF-16 code units); longer texts end with "…"."""
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def formula_like(text: str) -> bool:
    """Whether a spreadsheet could take ``text`` for a formula: it starts with ``= + - @``, tab
    or carriage return, or with one of ``= + - @`` after white space.

    >>> formula_like("=1+1"), formula_like(" @SUM(A1)"), formula_like("-1+2"), formula_like("Ide")
    (True, True, True, False)
    """
    return text.startswith(_FORMULA_START) or text.lstrip().startswith(_FORMULA_START[:4])


def csv_safe(value: Any) -> Any:
    """A CSV cell that no spreadsheet runs: formula-like text gets a leading ``'`` (OWASP);
    numbers and everything else unchanged."""
    return "'" + value if isinstance(value, str) and formula_like(value) else value


def fit_cell(text: str) -> str:
    """``text`` cut to Excel's :data:`XLSX_MAX_CHARS` (counting characters beyond the BMP as
    two), ending with "…" when cut."""
    if len(text) <= XLSX_MAX_CHARS // 2 or len(text.encode("utf-16-le")) // 2 <= XLSX_MAX_CHARS:
        return text
    used = 0
    for i, ch in enumerate(text):
        used += 2 if ord(ch) > 0xFFFF else 1
        if used > XLSX_MAX_CHARS - 1:  # room for the ellipsis
            return text[:i] + "…"
    return text  # pragma: no cover - the length test above makes this unreachable


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


def _title_sheet_name(title: str) -> str:
    """An activity's title as a sheet name: no ``[]:*?/\\``, cut at a word to 31 characters
    with "…" when longer."""
    text = _BAD_SHEET_CHARS.sub(" ", title.replace(":", " –"))
    text = " ".join(text.split()).strip("'") or "sheet"
    if len(text) <= MAX_SHEET:
        return text
    cut = text[:MAX_SHEET - 1].rsplit(" ", 1)[0].rstrip(",.;-–(") or text[:MAX_SHEET - 1]
    return cut + "…"


def header(column: str, lang: str, tz: str = "WIB") -> str:
    """The workbook's header of ``column`` in ``lang`` (``tz``: the city's time-zone label).

    >>> header("participant", "id"), header("created_at_wib", "en", "WITA")
    ('Peserta', 'Time (WITA)')
    """
    return t(HEADER_KEYS[column], lang, tz=tz)


def sheet_names(store: WorkshopStore, lang: str = "id") -> dict[str, str]:
    """The name of each part of the export -> its sheet name in the workbook, in order: the
    explanation sheet, one per activity (its id -> its title, shortened), all revisions (the
    CSV files keep the names on the left: ``Keterangan.csv``, ``<activity id>.csv``...)."""
    used: set[str] = set()
    readme, revisions = t("export.readme_sheet", lang), t("export.revisions_sheet", lang)
    out = {readme: _sheet_name(readme, used)}
    for activity in store.pack.program.activities:
        out[activity.id] = _sheet_name(_title_sheet_name(activity.title.get(lang)), used)
    out[revisions] = _sheet_name(revisions, used)
    return out


def _local(store: WorkshopStore, utc_iso: Any) -> str:
    from .html import local

    return f"{local(store, utc_iso):%Y-%m-%d %H:%M:%S}" if utc_iso else ""


def _labels(store: WorkshopStore, activity: Any, lang: str) -> dict[str, str]:
    """Item id -> label: the items an answer row's ``item_id`` names, or, for a kind whose
    ``item_id`` is the participant's own entry (a plan step), the items its
    :attr:`~cityworkshop.kinds.Kind.labels_from` field names."""
    if kind_of(activity).labels_from:
        return {it.id: clean(it.label.get(lang) or "") for it in activity.items}
    return {it.id: clean(it.label.get(lang) or "")
            for it in store.items_of(activity, with_deleted=True)}  # "(dihapus) ..." kept


def _answers(store: WorkshopStore, activity: Any, lang: str, *, history: bool,
             names: bool) -> pd.DataFrame:
    import pandas as pd

    labels = _labels(store, activity, lang)
    labels_from = kind_of(activity).labels_from
    rows = clean_rows(store.answer_rows(activity.id, history=history))
    current: set[int] = set()
    if history:
        current = {r["submission_id"] for r in store.answer_rows(activity.id)}
    records = []
    for r in rows:
        rec = {c: r.get(c) for c in ANSWER_COLUMNS if c in r}
        item = r["item_id"]
        if labels_from:
            rec["item_label"] = (labels.get(r["value_text"], "") if r["field"] == labels_from
                                 else "")
        else:
            rec["item_label"] = labels.get(item, "")
        rec["created_at_wib"] = _local(store, r["created_at"])
        if history:
            rec["is_current"] = r["submission_id"] in current
        records.append(rec)
    cols = list(REVISION_COLUMNS if history else ANSWER_COLUMNS)
    frame = pd.DataFrame(records, columns=cols)
    return frame if names else frame.drop(columns=["participant"])


def _questions(store: WorkshopStore, activity: Any, *, names: bool) -> pd.DataFrame:
    import pandas as pd

    records = []
    for r in clean_rows(store.question_rows(activity.id)):
        rec = {c: r.get(c) for c in QUESTION_COLUMNS if c in r}
        rec.update(activity_id=activity.id, answered=r["answered_at"] is not None,
                   created_at_wib=_local(store, r["created_at"]))
        records.append(rec)
    frame = pd.DataFrame(records, columns=list(QUESTION_COLUMNS))
    return frame if names else frame.drop(columns=["participant"])


def workbook(store: WorkshopStore, *, names: bool = False, lang: str = "id",
             for_xlsx: bool = False) -> dict[str, pd.DataFrame]:
    """The sheets of the export, in order: explanation, one per activity, all revisions.

    Keys are the CSV file names (activity ids; the explanation and revision sheets named in
    ``lang``) and columns the stable column ids; ``for_xlsx`` makes the explanation sheet name
    the workbook's sheets and headers (:func:`sheet_names`, :func:`header`) instead."""
    import pandas as pd

    tz = store.pack.city.timezone_label
    titles = sheet_names(store, lang)
    readme_name = t("export.readme_sheet", lang)
    sheets: dict[str, pd.DataFrame] = {}
    listing: list[tuple[str, str, str]] = []
    revisions = []
    for activity in store.pack.program.activities:
        name = activity.id
        if kind_of(activity).board:
            sheets[name] = _questions(store, activity, names=names)
        else:
            sheets[name] = _answers(store, activity, lang, history=False, names=names)
            revisions.append(_answers(store, activity, lang, history=True, names=names))
        listing.append((name, activity.title.get(lang),
                        t("export.sheet_of", lang, kind=activity.kind, scope=activity.scope,
                          n=len(sheets[name]))))
    rev_name = t("export.revisions_sheet", lang)
    rev_columns = [c for c in REVISION_COLUMNS if names or c != "participant"]
    sheets[rev_name] = (pd.concat(revisions, ignore_index=True) if revisions
                        else pd.DataFrame(columns=rev_columns))
    listing.append((rev_name, t("export.revisions_title", lang), ""))
    what, name_col, meaning = (t("export.readme_what", lang), t("export.readme_name", lang),
                               t("export.readme_meaning", lang))
    info = store.info()
    readme: list[dict[str, str]] = [
        {what: t("export.readme_workshop", lang), name_col: store.pack.program.title.get(lang),
         meaning: t("export.readme_intro", lang, created=_local(store, info.created_at),
                    demo=t("report.yes", lang) if info.is_demo else t("report.no", lang))},
        {what: t("export.readme_workshop", lang),
         name_col: t("export.readme_names_title" if names else "export.readme_anonymous_title",
                     lang),
         meaning: t("export.readme_names" if names else "export.readme_anonymous", lang)},
    ]
    limit = f"{XLSX_MAX_CHARS:,}".replace(",", "." if lang == "id" else ",")
    readme.append({what: t("export.readme_workshop", lang), name_col: "CSV / XLSX",
                   meaning: t("export.readme_formulas", lang, limit=limit)})
    readme.append({what: t("export.readme_workshop", lang), name_col: "CSV",
                   meaning: t("export.readme_csv", lang)})

    def sheet(n: str) -> str:
        return titles.get(n, n) if for_xlsx else n

    def csv_note(n: str) -> str:
        return " " + t("export.readme_csv_name", lang, name=f"{n}.csv") if for_xlsx else ""

    readme += [{what: t("export.readme_sheet_row", lang), name_col: sheet(n),
                meaning: f"{title}. {d}".strip() + csv_note(n)} for n, title, d in listing]
    columns = [c for c in dict.fromkeys((*REVISION_COLUMNS, *QUESTION_COLUMNS))
               if names or c != "participant"]
    readme += [{what: t("export.readme_column", lang),
                name_col: header(c, lang, tz) if for_xlsx else c,
                meaning: t(_COLUMN_KEYS[c], lang)
                + (" " + t("export.readme_csv_column", lang, name=c) if for_xlsx else "")}
               for c in columns]
    return {readme_name: pd.DataFrame(readme, columns=[what, name_col, meaning]), **sheets}


def _xlsx_sheets(store: WorkshopStore, *, names: bool, lang: str) -> dict[str, pd.DataFrame]:
    """:func:`workbook` as the workbook shows it: sheet names and headers in ``lang``."""
    tz = store.pack.city.timezone_label
    titles = sheet_names(store, lang)
    out = {}
    for key, frame in workbook(store, names=names, lang=lang, for_xlsx=True).items():
        if key != t("export.readme_sheet", lang):
            frame = frame.rename(columns={c: header(c, lang, tz) for c in frame.columns})
        out[titles.get(key, key)] = frame
    return out


def _is_folder(path: Path, raw: str) -> bool:
    return raw.endswith(("/", "\\")) or path.is_dir()


# -- writing ----------------------------------------------------------------------------------


def _new_temp_beside(path: Path, suffix: str = ".tmp") -> Path:
    """A new empty hidden file in ``path``'s folder (so that renaming it onto ``path`` is
    atomic), with the permissions a file written there normally gets."""
    for _ in range(100):
        tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}{suffix}")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        os.close(fd)
        return tmp
    raise FileExistsError(f"no free temporary name beside {path}")  # pragma: no cover


def _sync(path: Path) -> None:
    """Best effort: the file's bytes on disk before it is renamed into place."""
    try:
        with open(path, "rb") as f:
            os.fsync(f.fileno())
    except OSError:
        pass


def _write_error(e: BaseException, path: Path, lang: str) -> BaseException:
    """The :class:`~cityworkshop.report.ReportError` to raise for ``e`` (itself when it is
    one; a KeyboardInterrupt stays what it is)."""
    from . import ReportError

    if isinstance(e, ReportError) or not isinstance(e, Exception):
        return e
    if isinstance(e, OSError):
        return ReportError(key="report.cannot_write", path=str(path),
                           reason=e.strerror or type(e).__name__)
    detail = (str(e).strip().splitlines() or [""])[0][:200]
    return ReportError(key="report.write_failed", path=str(path),
                       reason=f"{type(e).__name__}: {detail}" if detail else type(e).__name__)


def write_atomically(path: str | Path, write: Callable[[Path], object], *,
                     lang: str = "id", suffix: str = ".tmp") -> Path:
    """Call ``write(tmp)`` with a temporary file in ``path``'s folder, then rename it onto
    ``path`` (:func:`os.replace`). When anything fails the temporary file is removed, an earlier
    file at ``path`` stays byte for byte as it was, and :class:`~cityworkshop.report.ReportError`
    says why (in one line)."""
    path = Path(path)
    tmp: Path | None = None
    try:
        tmp = _new_temp_beside(path, suffix)
        write(tmp)
        _sync(tmp)
        os.replace(tmp, path)
    except BaseException as e:
        if tmp is not None:
            with contextlib.suppress(OSError):
                tmp.unlink(missing_ok=True)
        err = _write_error(e, path, lang)
        if err is e:
            raise
        raise err from (None if isinstance(e, OSError) else e)
    return path


def _write_csv(frame: pd.DataFrame, path: Path, sep: str = ",") -> None:
    """One CSV file: UTF-8 with a byte order mark, ``sep`` between cells, numbers with a
    decimal comma when ``sep`` is ``;`` (what a spreadsheet set to Indonesian reads)."""
    import pandas as pd

    frame = frame.copy()
    for col in frame.columns:
        kind = frame[col]
        if not (pd.api.types.is_numeric_dtype(kind) or pd.api.types.is_bool_dtype(kind)):
            frame[col] = kind.map(csv_safe, na_action="ignore")  # numbers stay numbers
    frame.to_csv(path, index=False, encoding="utf-8-sig", sep=sep,
                 decimal="," if sep == ";" else ".")


def _write_folder(folder: Path, sheets: dict[str, pd.DataFrame], lang: str,
                  sep: str = ",") -> None:
    """Every sheet as ``<name>.csv`` in ``folder``: all written into a temporary folder inside
    it first, then each renamed into place, so that a failure while writing leaves the earlier
    files as they were (and removes a folder it had made)."""
    created = not folder.exists()
    tmpdir: Path | None = None
    try:
        folder.mkdir(exist_ok=True)
        tmpdir = Path(tempfile.mkdtemp(prefix=".cityworkshop-export-", dir=folder))
        for name, frame in sheets.items():
            _write_csv(frame, tmpdir / f"{name}.csv", sep)
        for name in sheets:
            _sync(tmpdir / f"{name}.csv")
        for name in sheets:
            os.replace(tmpdir / f"{name}.csv", folder / f"{name}.csv")
    except BaseException as e:
        if created:
            shutil.rmtree(folder, ignore_errors=True)
        err = _write_error(e, folder, lang)
        if err is e:
            raise
        raise err from (None if isinstance(e, OSError) else e)
    finally:
        if tmpdir is not None:
            shutil.rmtree(tmpdir, ignore_errors=True)


def _cells(ws: Any, values: Iterable[Any], make_cell: Callable[..., Any]) -> list[Any]:
    """One row of the workbook: numbers as numbers, every text a string cell (never a
    formula, cut to Excel's limit), missing values empty."""
    out: list[Any] = []
    for v in values:
        if v is None or (isinstance(v, float) and v != v):
            out.append(None)
        elif isinstance(v, str):
            v = fit_cell(v)
            if formula_like(v):
                # openpyxl makes a text starting with "=" a formula: force a string cell, and
                # mark it as typed with a leading ' so that editing it keeps it text.
                c = make_cell(ws, value=v)
                c.data_type = "s"
                c.quotePrefix = True
                out.append(c)
            else:
                out.append(v)
        elif isinstance(v, float) and not math.isfinite(v):
            out.append(str(v))  # "inf" is no number a spreadsheet reads
        elif isinstance(v, (bool, int, float)):
            out.append(v)
        elif hasattr(v, "item"):  # a numpy scalar
            out.extend(_cells(ws, [v.item()], make_cell))
        else:
            out.extend(_cells(ws, [str(v)], make_cell))
    return out


def _width(values: Iterable[Any]) -> int:
    """Characters of the longest first line among ``values`` (a long text counts as
    :data:`MAX_WIDTH`; only its first line is looked at)."""
    widest = 0
    for v in values:
        if v is None or (isinstance(v, float) and v != v):
            continue
        text = v if isinstance(v, str) else str(v)
        line = text[:MAX_WIDTH * 4].split("\n", 1)[0]
        widest = max(widest, len(line))
        if widest >= MAX_WIDTH:
            return MAX_WIDTH
    return widest


def column_widths(frame: pd.DataFrame) -> list[float]:
    """Each column's width in the workbook (Excel's character units): its header or its
    widest value, whichever is wider, plus a little room; at least 6, at most
    :data:`MAX_WIDTH`."""
    out = []
    for i, col in enumerate(frame.columns):
        wide = max(len(str(col)) + 2, _width(frame.iloc[:, i].tolist()) + 1.5)  # header bold
        out.append(float(min(MAX_WIDTH, max(6, wide))))
    return out


def _write_xlsx(sheets: dict[str, pd.DataFrame], path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import Cell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    book = Workbook(write_only=True)
    bold = Font(bold=True)
    for name, frame in sheets.items():
        ws = book.create_sheet(title=name)
        ws.freeze_panes = "A2"  # the header row stays in view
        for i, width in enumerate(column_widths(frame), start=1):
            ws.column_dimensions[get_column_letter(i)].width = width
        if len(frame.columns):
            ws.auto_filter.ref = f"A1:{get_column_letter(len(frame.columns))}{len(frame) + 1}"
        header = []
        for c in _cells(ws, [str(c) for c in frame.columns], WriteOnlyCell):
            if not isinstance(c, Cell):
                c = WriteOnlyCell(ws, value=c)
            c.font = bold
            header.append(c)
        ws.append(header)
        for row in frame.itertuples(index=False, name=None):
            ws.append(_cells(ws, row, WriteOnlyCell))
    try:
        book.save(path)
    except BaseException:
        _discard(book)
        raise


def _discard(book: Any) -> None:
    """Best effort after a failed save: end each write-only sheet's stream and remove its
    temporary file (openpyxl would only remove them when Python exits)."""
    for ws in book.worksheets:
        for step in ("_rows", "_writer"):
            part = getattr(ws, step, None)
            with contextlib.suppress(Exception):  # already closed or removed
                if part is not None:
                    part.close()
                    if step == "_writer":
                        part.cleanup()


def export(store: WorkshopStore, path: str | Path, *, names: bool = False,
           lang: str = "id", sep: str = ",") -> Path:
    """Write every activity's answers to ``path``.

    Parameters
    ----------
    store
        The workshop (read only).
    path
        ``results.xlsx``: one workbook, one sheet per activity plus "Keterangan"/"README" and
        every revision; sheet names and headers in ``lang``, sized columns, the header row
        frozen. A path ending with ``/`` or an existing folder: the same sheets as CSV files in
        that folder (created when its parent exists), with stable column ids.
    names
        Keep the ``participant`` (name) column. By default it is left out; groups and
        anonymous ids stay.
    lang
        Language of sheet names, headers, labels and of the explanation sheet.
    sep
        CSV only: ``","`` (default), ``";"`` (with decimal commas, for spreadsheets set to
        Indonesian) or a tab. Every CSV file starts with a UTF-8 byte order mark.

    Each file is written beside its target and renamed into place: a failure leaves no partial
    file, and an earlier export at ``path`` stays as it was. Formula-like texts stay inert
    (string cells; a leading ``'`` in CSV), numbers stay numbers.

    Raises :class:`~cityworkshop.report.ReportError` when ``path`` cannot be written, ValueError
    for another ``sep``.
    """
    from . import ReportError

    if sep not in SEPARATORS:
        raise ValueError(f"sep={sep!r} is no CSV separator the export writes: use one of "
                         f"{', '.join(map(repr, SEPARATORS))}")
    raw = str(path)
    target = Path(path)
    folder = _is_folder(target, raw)
    if not (target.parent.is_dir() or (folder and target.is_dir())):
        raise ReportError(key="report.cannot_write", path=raw, reason=t("report.no_folder", lang))
    if folder:
        _write_folder(target, workbook(store, names=names, lang=lang), lang, sep)
    else:
        sheets = _xlsx_sheets(store, names=names, lang=lang)
        write_atomically(target, lambda tmp: _write_xlsx(sheets, tmp), lang=lang)
    return target
