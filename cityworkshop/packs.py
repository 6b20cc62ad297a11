"""A city's own content pack: the copy a workshop keeps, a starting pack to fill in, the check.

Content layer (no Jupyter, widget or plotly module). A pack is a folder like ``data/``:
``cities/``, ``frameworks/`` and ``programs/``, one YAML file each, loaded and validated by
:func:`~cityworkshop.content.load_pack`.

- :func:`pack_snapshot` and :func:`pack_from_snapshot`: the JSON copy of a loaded pack that the
  workshop database keeps (schema 6), so that every later command shows the criteria and facts
  the room answered, whatever the pack folder holds by then.
- :func:`new_pack`: writes a commented starting pack (Bahasa Indonesia first, then English).
- :func:`check_pack`: every problem of every file of a pack folder, at once.
- :func:`load_content`: :func:`~cityworkshop.content.load_pack` plus the checks of the guided
  notebooks' texts (:mod:`cityworkshop.narrative`); what ``init --content`` uses.

>>> pack = load_content("tangsel-elp")
>>> pack_from_snapshot(pack_snapshot(pack)) == pack
True
"""

from __future__ import annotations

import json
import re
import shutil
from importlib import resources
from pathlib import Path

from pydantic import ValidationError

from .content import City, ContentPack, Framework, Item, Program, data_dir, load_pack
from .errors import ContentError, Problem

__all__ = [
    "SNAPSHOT_FORMAT",
    "check_pack",
    "load_content",
    "new_pack",
    "pack_from_snapshot",
    "pack_snapshot",
    "placeholders",
    "problem_text",
]

SNAPSHOT_FORMAT = 1
STARTER_PROGRAM = "program-kota"  # the program id of the starting pack
STARTER_CITY = "kota-contoh"


# -- the copy a workshop keeps ---------------------------------------------------------------


def pack_snapshot(pack: ContentPack) -> str:
    """The pack as JSON, as the workshop database keeps it.

    Activities whose items come from a framework (``items_from``) are kept without their
    resolved items: :func:`pack_from_snapshot` resolves them again from the stored framework.
    """
    program = pack.program.model_dump(mode="json")
    for session in program.get("sessions", ()):
        for activity in session.get("activities", ()):
            if activity.get("items_from") and "items" in activity:
                activity["items"] = []
    return json.dumps({
        "format": SNAPSHOT_FORMAT,
        "program": program,
        "city": pack.city.model_dump(mode="json"),
        "frameworks": {k: fw.model_dump(mode="json") for k, fw in pack.frameworks.items()},
        "files": dict(pack.files),
    }, ensure_ascii=False, separators=(",", ":"))


def pack_from_snapshot(text: str, where: str = "-") -> ContentPack:
    """The pack a workshop keeps (:func:`pack_snapshot`), validated and resolved again.

    Raises
    ------
    ContentError
        The stored copy cannot be read (``where`` names the database in the message).
    """
    try:
        data = json.loads(text)
        if not isinstance(data, dict) or data.get("format") != SNAPSHOT_FORMAT:
            found = data.get("format") if isinstance(data, dict) else data
            raise ValueError(f"unknown format {found!r:.20}")
        program = Program.model_validate(data["program"])
        city = City.model_validate(data["city"])
        frameworks = {k: Framework.model_validate(v) for k, v in data["frameworks"].items()}
        files = {str(k): str(v) for k, v in (data.get("files") or {}).items()}
    except (ValueError, KeyError, TypeError, AttributeError) as e:
        detail = str(e).splitlines()[0] if str(e) else type(e).__name__
        if isinstance(e, ValidationError):
            detail = f"{e.error_count()} field(s) not valid, first: {e.errors()[0]['loc']}"
        raise ContentError([Problem(where, "content_pack",
                                    f"the stored copy of the content pack cannot be read "
                                    f"({detail}); it may come from another release of "
                                    "cityworkshop: open the workshop with that release")]) from None
    return _resolved(program, city, frameworks, files)


def _resolved(program: Program, city: City, frameworks: dict[str, Framework],
              files: dict[str, str]) -> ContentPack:
    """Items from a framework (``items_from``) as plain items, as load_pack gives them."""
    sessions = []
    for s in program.sessions:
        acts = []
        for a in s.activities:
            if a.items_from and a.items_from in frameworks:
                items = tuple(Item(id=c.id, label=c.name, help=c.question)
                              for c in frameworks[a.items_from].criteria)
                a = a.model_copy(update={"items": items})
            acts.append(a)
        sessions.append(s.model_copy(update={"activities": tuple(acts)}))
    program = program.model_copy(update={"sessions": tuple(sessions)})
    return ContentPack(program=program, city=city, frameworks=frameworks, files=files)


# -- loading and checking a pack folder --------------------------------------------------------


def load_content(program: str, root: Path | str | None = None) -> ContentPack:
    """The pack of ``program`` from ``root`` (default: the package's ``data/``), with the
    checks of the guided notebooks' texts; every problem at once.

    Raises
    ------
    ContentError
        Listing every problem, each with file and field.
    """
    if root is not None:
        folder_problems = _folder_problems(Path(root))
        if folder_problems:
            raise ContentError(folder_problems)
    pack = load_pack(program, root=root)
    from .narrative import narrative_problems

    found = [Problem(pack.files.get("program", program), field, msg)
             for field, msg in narrative_problems(pack)]
    if found:
        raise ContentError(found)
    return pack


def _folder_problems(root: Path) -> list[Problem]:
    if not root.exists():
        return [Problem(str(root), "-", "folder not found; give the folder of the pack (with "
                                        "cities/, frameworks/ and programs/), or make one with "
                                        "'cityworkshop pack new DIR'")]
    if not root.is_dir():
        return [Problem(str(root), "-", "is a file, not a folder; give the folder of the pack "
                                        "(with cities/, frameworks/ and programs/)")]
    missing = [name for name in ("cities", "frameworks", "programs") if not (root / name).is_dir()]
    if missing:
        return [Problem(str(root), "-", f"no {', '.join(m + '/' for m in missing)} folder: a pack "
                                        "has cities/, frameworks/ and programs/; make one with "
                                        "'cityworkshop pack new DIR'")]
    return []


def check_pack(root: Path | str, program: str | None = None) -> list[Problem]:
    """Every problem of the pack folder ``root``: of each program (or only ``program``) with
    its city and frameworks, and of every other city and framework file in the folder."""
    root = Path(root)
    problems = _folder_problems(root)
    if problems:
        return problems
    ids = [program] if program else sorted(p.stem for p in (root / "programs").glob("*.yaml"))
    if not ids:
        return [Problem(str(root / "programs"), "-", "no program file (programs/<id>.yaml); "
                                                     "write one, e.g. with 'cityworkshop pack "
                                                     "new DIR'")]
    used: set[Path] = set()
    for pid in ids:
        try:
            pack = load_content(pid, root)
        except ContentError as e:
            problems += [p for p in e.problems if p not in problems]
            used.update(Path(p.file) for p in e.problems)
        else:
            used.update(Path(f) for f in pack.files.values())
        prog = root / "programs" / f"{pid}.yaml"
        used.add(prog)
        used.update(_referenced(prog, root))
    from . import content as _c

    for folder, model in (("cities", City), ("frameworks", Framework)):
        for path in sorted((root / folder).glob("*.yaml")):
            if path in used:
                continue
            found: list[Problem] = []
            _c._validate(model, _c._read_yaml(path, found), path, found)
            problems += found
    return problems


_TO_FILL = re.compile(r"^(ISI|FILL IN)\b")


def placeholders(root: Path | str) -> list[Problem]:
    """Every text of the pack folder still to fill in: it starts with "ISI" (or "FILL IN"), as
    the starting pack (:func:`new_pack`) and the example packs mark them. Not problems: the
    pack loads; the room would see the placeholder."""
    from . import content as _c

    root = Path(root)
    out: list[Problem] = []

    def walk(value: object, where: str, path: Path) -> None:
        if isinstance(value, str) and _TO_FILL.match(value.strip()):
            out.append(Problem(str(path), where or "-", value.strip()))
        elif isinstance(value, dict):
            for k, v in value.items():
                walk(v, f"{where}.{k}" if where else str(k), path)
        elif isinstance(value, list):
            for i, v in enumerate(value):
                walk(v, f"{where}[{i}]", path)

    for folder in ("programs", "cities", "frameworks"):
        for path in sorted((root / folder).glob("*.yaml")) if (root / folder).is_dir() else ():
            raw = _c._read_yaml(path, [])
            if raw is not _c._UNREAD:
                walk(raw, "", path)
    return out


def _referenced(program_file: Path, root: Path) -> set[Path]:
    """The city and framework files a program names (checked with it by load_pack)."""
    from . import content as _c

    raw = _c._read_yaml(program_file, [])
    if not isinstance(raw, dict):
        return set()
    out = set()
    if isinstance(raw.get("city"), str):
        out.add(root / "cities" / f"{raw['city']}.yaml")
    for fid in raw.get("frameworks") or ():
        if isinstance(fid, str):
            out.add(root / "frameworks" / f"{fid}.yaml")
    return out


# -- a starting pack to fill in ----------------------------------------------------------------


def new_pack(root: Path | str) -> list[Path]:
    """Write a commented starting pack into the folder ``root`` (new, or empty).

    A city profile with placeholder facts to replace (each marked unverified), the
    disruptive-city framework of the package, and a program of the whole day. It loads as it
    is, so that ``init --content`` can be tried at once. Returns the files written.

    Raises
    ------
    ContentError
        ``root`` is a file, or a folder that already holds files.
    """
    root = Path(root)
    if root.exists() and (not root.is_dir() or any(root.iterdir())):
        what = "is a file" if not root.is_dir() else "is not empty"
        raise ContentError([Problem(str(root), "-", f"{what}: 'pack new' writes only into a new "
                                                    "or empty folder, so that no file of yours "
                                                    "is replaced; choose another folder")])
    template = resources.files("cityworkshop").joinpath("pack_template")
    written = []
    for sub, name in (("cities", f"{STARTER_CITY}.yaml"), ("programs", f"{STARTER_PROGRAM}.yaml")):
        (root / sub).mkdir(parents=True, exist_ok=True)
        target = root / sub / name
        target.write_text(template.joinpath(sub, name).read_text("utf-8"), encoding="utf-8")
        written.append(target)
    (root / "frameworks").mkdir(parents=True, exist_ok=True)
    for fw in sorted((data_dir() / "frameworks").glob("*.yaml")):
        shutil.copyfile(fw, root / "frameworks" / fw.name)
        written.append(root / "frameworks" / fw.name)
    return written


# -- problems in the user's language -----------------------------------------------------------

# The loader's messages are English; these patterns give the frequent ones in Bahasa Indonesia
# (what is not matched stays English: a rarer message, or pydantic's own wording).
_ID: list[tuple[re.Pattern[str], str]] = [(re.compile(p), r) for p, r in (
    (r"^this field is required$", "kolom ini wajib diisi"),
    (r"^Field required$", "kolom ini wajib diisi"),
    (r"^unknown field \(check its spelling; did you mean (.+)\?\)$",
     r"kolom tidak dikenal (periksa ejaannya; maksud Anda \1?)"),
    (r"^unknown field \(check its spelling\)$", "kolom tidak dikenal (periksa ejaannya)"),
    (r"^file not found$", "berkas tidak ditemukan"),
    (r"^file not found: no program (.+) in (.+) \(programs there: (.*)\)$",
     r"berkas tidak ditemukan: tidak ada program \1 di \2 (program yang ada: \3)"),
    (r"^city (.+) has no profile: file (.+) not found; add it or correct the city$",
     r"kota \1 tidak punya profil: berkas \2 tidak ditemukan; tambahkan atau perbaiki city"),
    (r"^framework (.+) not found: no file (.+); add it or correct the id$",
     r"kerangka \1 tidak ditemukan: tidak ada berkas \2; tambahkan atau perbaiki id-nya"),
    ((r"^unknown fact (.+): the city profile (.+) has no fact with this key; add the fact there "
     r"or correct the key$"),
     (r"fakta \1 tidak dikenal: profil kota \2 tidak punya fakta dengan key ini; tambahkan "
     r"faktanya di sana atau perbaiki key-nya")),
    (r"^is (.+), expected (.+) \((.+)\)$", r"berisi \1, seharusnya \2 (\3)"),
    (r"^not valid YAML: (.+)$", r"bukan YAML yang sah: \1"),
    (r"^not UTF-8 text: (.+)$", r"bukan teks UTF-8: \1"),
    (r"^file is empty: expected a (\w+) with at least the fields (.+)$",
     r"berkas kosong: seharusnya berisi \1 dengan paling sedikit kolom \2"),
    ((r"^key (.+) appears twice in one mapping \(lines (\d+) and (\d+)\); YAML keeps only the "
     r"last: remove or rename one$"),
     (r"key \1 muncul dua kali (baris \2 dan \3); YAML hanya menyimpan yang terakhir: hapus atau "
     r"ganti salah satunya")),
    (r"^folder not found; (.+)$", (r"folder tidak ditemukan; berikan folder paket (berisi "
                                  r"cities/, frameworks/ dan programs/), atau buat dengan "
                                  r"'cityworkshop pack new DIR'")),
    ((r"^no (.+) folder: a pack has cities/, frameworks/ and programs/; make one with "
     r"'cityworkshop pack new DIR'$"),
     (r"tidak ada folder \1: paket berisi cities/, frameworks/ dan programs/; buat dengan "
     r"'cityworkshop pack new DIR'")),
    (r"^Input should be a valid integer(.*)$", r"harus berupa bilangan bulat\1"),
    (r"^Input should be a valid string(.*)$", r"harus berupa teks\1"),
    (r"^Input should be a valid list(.*)$", r"harus berupa daftar (list)\1"),
    (r"^Input should be (.+)$", r"harus \1"),
    (r"^String should match pattern (.+)$",
     r"teks harus cocok dengan pola \1 (huruf kecil, angka dan tanda hubung)"),
    (r"^String should have at least (\d+) characters?(.*)$", r"teks minimal \1 karakter\2"),
    (r"^unknown text key (.+) in narrative \(known: (.+)\)$",
     r"key teks \1 tidak dikenal di narrative (yang dikenal: \2)"),
    (r"^unknown placeholder (.+) \(known: (.+)\)$",
     r"penanda {} tidak dikenal \1 (yang dikenal: \2)"),
)]


def problem_text(problem: Problem, lang: str) -> str:
    """One problem as ``file: field: message``, the message in ``lang`` where it is known."""
    message = problem.message
    if lang == "id":
        for pattern, repl in _ID:
            if pattern.match(message):
                message = pattern.sub(repl, message)
                break
    return f"{problem.file}: {problem.field}: {message}"

