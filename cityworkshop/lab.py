"""The facilitator's JupyterLab, set up as a projector: the presenter view, quiet, offline.

Used by ``cityworkshop lab`` and ``up`` (the CLI only prints and waits). :func:`lab_command`
builds the command and environment of a JupyterLab that

- serves a work folder of copies of the guided notebooks beside the database
  (``<db stem>-notebooks/``), on 127.0.0.1 only, with a token;
- opens in the **presenter view**: JupyterLab's Simple Interface (a ``/doc/tree/...`` link),
  where the style sheet shipped in ``lab_settings/custom.css`` hides code inputs, prompts and
  cell toolbars. Ctrl+Shift+D, the "Presentasi ⇄ Edit" toolbar button or View › Appearance ›
  Simple Interface switch to editing, where the code is there as usual;
- starts without pop-ups: ``lab_settings/overrides.json`` turns the news and update checks off
  (JupyterLab's defaults; the facilitator may still change them), and the workspace it starts
  with has the sidebars closed;
- keeps its own settings and workspace in ``<db>.lab/`` (JupyterLab's config folder for this
  workshop), so that the facilitator's other Jupyter set-up is neither used nor changed;
- hands the kernels the workshop (``CITYWORKSHOP_DB``), the language (``CITYWORKSHOP_LANG``)
  and, with ``up``, the participant page's address (``CITYWORKSHOP_PAGE_URL``).
"""

from __future__ import annotations

import json
import os
import platform
import secrets
import shutil
import sys
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from .venue import PageAddress, page_environment

__all__ = ["FIRST_NOTEBOOK", "LabLaunch", "kernel_language_info", "lab_command", "lab_folder",
           "logs_folder", "prepare_notebook", "presenter_workspace", "settings_folder"]

FIRST_NOTEBOOK = "00_ikhtisar.ipynb"


def settings_folder() -> Path:
    """The JupyterLab settings shipped with the package (``overrides.json``, ``custom.css``)."""
    return Path(str(resources.files("cityworkshop").joinpath("lab_settings")))


def _notebooks_dir() -> Path:
    from .cli import notebooks_dir

    return notebooks_dir()


def kernel_language_info() -> dict[str, object]:
    """The ``language_info`` that this Python's kernel (ipykernel) reports when it starts.

    JupyterLab writes the kernel's ``language_info`` into the notebook's metadata as soon as
    the kernel is up; when it differs from what the file holds (the Python version does, from
    one laptop to the next), the notebook opens marked unsaved. The copies get this one.
    """
    return {"name": "python", "version": platform.python_version(), "mimetype": "text/x-python",
            "codemirror_mode": {"name": "ipython", "version": 3}, "pygments_lexer": "ipython3",
            "nbconvert_exporter": "python", "file_extension": ".py"}


def prepare_notebook(path: Path) -> bool:
    """Make a work copy open clean: this kernel's ``language_info``, and signed (trusted).

    Only the metadata changes, and only when needed; returns whether the file was written.
    """
    import nbformat
    from nbformat.sign import NotebookNotary

    nb = nbformat.read(path, as_version=4)
    notary = NotebookNotary()
    changed = nb.metadata.get("language_info") != kernel_language_info()
    if changed:
        nb.metadata["language_info"] = kernel_language_info()
    if changed or not notary.check_signature(nb):
        notary.sign(nb)
        tmp = path.with_name(f".{path.name}.tmp")
        nbformat.write(nb, tmp)
        os.replace(tmp, path)
        return True
    return False


def lab_folder(db: Path) -> Path:
    """A work folder beside the database with copies of the guided notebooks.

    The facilitator's saved outputs and edits stay there, not in the installed package; a
    notebook already there keeps its cells (only :func:`prepare_notebook` touches its metadata).
    """
    folder = db.resolve().parent / f"{db.stem}-notebooks"
    folder.mkdir(exist_ok=True)
    for nb in sorted(_notebooks_dir().glob("*.ipynb")):
        if nb.name == "participant.ipynb":
            continue
        if not (folder / nb.name).exists():
            shutil.copy2(nb, folder / nb.name)
        try:
            prepare_notebook(folder / nb.name)
        except Exception as e:  # noqa: BLE001 - a notebook the facilitator broke still opens
            print(f"{nb.name}: {e}", file=sys.stderr)
    return folder


def logs_folder(db: Path) -> Path:
    """Where ``lab`` and ``up`` keep the servers' logs: ``<db>.logs/`` beside the database."""
    db = db.resolve()
    folder = db.with_name(db.name + ".logs")
    folder.mkdir(exist_ok=True)
    return folder


def _config_folder(db: Path) -> Path:
    db = db.resolve()
    return db.with_name(db.name + ".lab")


def presenter_workspace() -> dict[str, object]:
    """The workspace JupyterLab starts with: both sidebars closed, nothing open.

    The link opens the notebook (``/doc/tree/<notebook>``); a notebook kept in the workspace
    would come back instead of the one on the screen when the facilitator switches to editing.
    """
    return {
        "data": {
            "layout-restorer:data": {
                "down": {"size": 0, "widgets": []},
                "left": {"collapsed": True, "visible": True, "widgets": ["filebrowser"]},
                "right": {"collapsed": True, "visible": False, "widgets": []},
                "relativeSizes": [0, 1, 0],
                "top": {"simpleVisibility": True},
            },
        },
        "metadata": {"id": "default"},
    }


def _prepare_config(db: Path) -> Path:
    """``<db>.lab/``: the custom style sheet, and the start workspace written afresh."""
    from jupyterlab_server.workspaces_handler import slugify

    config = _config_folder(db)
    (config / "custom").mkdir(parents=True, exist_ok=True)
    shutil.copyfile(settings_folder() / "custom.css", config / "custom" / "custom.css")
    workspaces = config / "lab" / "workspaces"
    workspaces.mkdir(parents=True, exist_ok=True)
    # every start begins in the presenter layout (the notebooks keep what was saved)
    (workspaces / f"{slugify('default')}.jupyterlab-workspace").write_text(
        json.dumps(presenter_workspace()), encoding="utf-8")
    (config / "lab" / "user-settings").mkdir(parents=True, exist_ok=True)
    return config


@dataclass(frozen=True)
class LabLaunch:
    """What it takes to start the facilitator's JupyterLab, and the link to open it.

    Attributes
    ----------
    cmd, env
        The command and its environment.
    url
        The facilitator's link, with its token: the presenter view of notebook 00.
    folder
        The work folder of notebooks it serves.
    port
        Where it listens (on 127.0.0.1).
    """

    cmd: list[str]
    env: dict[str, str] = field(repr=False)
    url: str
    folder: Path
    port: int


def lab_command(db: Path, port: int, lang: str = "id",
                page: PageAddress | None = None) -> LabLaunch:
    """JupyterLab on the work folder, on 127.0.0.1 only, with a token we print ourselves.

    Parameters
    ----------
    db
        The workshop database.
    port
        JupyterLab's port (never moved: ``port_retries=0``).
    lang
        Handed to the notebooks in ``CITYWORKSHOP_LANG``: their narrative language switch.
    page
        The participant page's address, handed to the notebooks' join card; None when no page
        server runs (``cityworkshop lab`` alone): the card then says how to start one.
    """
    folder = lab_folder(db)
    config = _prepare_config(db)
    token = secrets.token_hex(16)
    env = dict(os.environ, CITYWORKSHOP_DB=str(db.resolve()), CITYWORKSHOP_LANG=lang,
               JUPYTER_CONFIG_DIR=str(config), PYTHONUNBUFFERED="1")
    for var in ("CITYWORKSHOP_PAGE_URL", "CITYWORKSHOP_PAGE_LOCAL"):
        env.pop(var, None)
    if page is not None:
        env.update(page_environment(page))
    cmd = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ServerApp.ip=127.0.0.1",
           f"--ServerApp.port={port}", "--ServerApp.port_retries=0",
           f"--ServerApp.root_dir={folder}", f"--IdentityProvider.token={token}",
           f"--LabApp.app_settings_dir={settings_folder()}",
           f"--LabApp.user_settings_dir={config / 'lab' / 'user-settings'}",
           f"--LabApp.workspaces_dir={config / 'lab' / 'workspaces'}",
           "--LabApp.custom_css=True", "--LabApp.extension_manager=readonly",
           # a venue has no internet: no news feed, no update check, no extension index
           "--LabApp.news_url=None",
           "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--ServerApp.allow_root=True")  # a facilitator's container or a CI machine
    url = f"http://127.0.0.1:{port}/doc/tree/{FIRST_NOTEBOOK}?token={token}"
    return LabLaunch(cmd, env, url, folder, port)
