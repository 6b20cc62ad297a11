"""The participant page's server: Solara's server, one process for every phone (pages layer).

``python -m cityworkshop.participant.server --db PATH --host H --port N`` serves
:mod:`cityworkshop.participant.web.app`: each connected phone gets its own page and widgets in a
*virtual kernel* of this one process (about 1 MiB each, against a ~78 MiB Jupyter kernel per
page load with Voila), and all of them share one :class:`~cityworkshop.store.WorkshopStore` (one
SQLAlchemy engine) and one :class:`~cityworkshop.store.watch.ChangeWatcher`.

Around Solara's own routes sits :class:`PageGate`, which keeps the promises of the page:

- only the page and the files it loads are served: ``/``, Solara's assets and the page's
  websocket; nothing else answers (no ``/resourcez``, no source, no database, no notebook);
- nothing is ever fetched from the internet: Solara's asset "CDN proxy" answers only from the
  files of ``solara-assets`` on disk, and its CDN address points nowhere;
- the 13 MB JavaScript bundle is compressed once and kept, not gzipped again for every phone;
- Solara's telemetry and its version check are off;
- the page's own address is fixed when the server starts (``--root-path``, default none): a
  request cannot change it. Solara would otherwise take the first request's ``X-Script-Name``
  header as the root path of every later page, so one request on the venue Wi-Fi could make
  every phone load the page's JavaScript from another host.

Behind a reverse proxy that serves several workshops at one address (``/tangsel_2026/``,
``/bogor_2026/``), start each server with its ``--root-path``: the page then asks for its files
and websocket under that path, and the gate takes the prefix off whether or not the proxy did.

Run by ``cityworkshop serve`` (:func:`cityworkshop.serve.start_participant_server`).
"""

from __future__ import annotations

import argparse
import gzip
import os
import sys
import threading
import weakref
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

from ..serve import normal_root_path

__all__ = ["PageGate", "build_app", "configure", "live_pages", "main", "new_page",
           "normal_root_path"]

WEB = Path(__file__).resolve().parent / "web"
APP = WEB / "script" / "app.py"  # Solara looks for assets/ beside the script's folder
IDLE_MINUTES = 5.0  # a page gone (closed, phone asleep) keeps its server session this long
NOWHERE = "http://127.0.0.1:9/npm/"  # Solara's CDN address: a miss can never leave the laptop

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]


def configure(db: str | Path, lang: str = "id", idle_minutes: float = IDLE_MINUTES,
              root_path: str = "") -> None:
    """Set the environment Solara and the page read; call before importing solara.

    ``root_path`` (see :func:`normal_root_path`) is the page's path prefix behind a reverse
    proxy; it is fixed here, so that no request's ``X-Script-Name`` header can set it."""
    from ..store._base import db_location

    where = db_location(db)  # a PostgreSQL workshop's URL stays as it is
    os.environ["CITYWORKSHOP_DB"] = where if isinstance(where, str) else str(where.resolve())
    os.environ["CITYWORKSHOP_LANG"] = lang
    settings = {
        "SOLARA_APP": str(APP),
        "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",  # no usage data to an outside service
        "SOLARA_ASSETS_PROXY": "True",  # serves solara-assets' files from disk ...
        "SOLARA_ASSETS_CDN": NOWHERE,  # ... and a file missing there is never fetched
        "SOLARA_ASSETS_FONTAWESOME_ENABLED": "False",
        "SOLARA_THEME_LOADER": "plain",
        "SOLARA_THEME_SHOW_BANNER": "False",
        "SOLARA_THEME_TITLE": "Lokakarya Kota",
        "SOLARA_KERNEL_CULL_TIMEOUT": f"{max(idle_minutes, 0.05) * 60:.0f}s",
        "SOLARA_MODE": "production",
        # fixed, never taken from a request's X-Script-Name / Script-Name header
        "SOLARA_ROOT_PATH": normal_root_path(root_path),
        # each page's frames are queued and sent by a task of the server's loop, instead of
        # every widget message blocking its page's thread until the loop took it (bench_protocol:
        # with 300 pages the blocking sends starved the loop and keepalive pings timed out)
        "SOLARA_EXPERIMENTAL_PERFORMANCE": os.environ.get("CITYWORKSHOP_QUEUED_SENDS", "True"),
    }
    os.environ.update(settings)


# -- one store and one watcher per process ----------------------------------------------------

_shared: dict[str, Any] = {}
_shared_lock = threading.Lock()


def _store_and_watcher() -> tuple[Any, Any]:
    from ..store import WorkshopStore
    from ..store.watch import watcher_for
    from .room import SharedRoom

    with _shared_lock:
        if "store" not in _shared:
            db = os.environ["CITYWORKSHOP_DB"]
            _shared["store"] = WorkshopStore(db)
            _shared["watcher"] = watcher_for(db)
            _shared["room"] = SharedRoom(_shared["store"], _shared["watcher"])
        return _shared["store"], _shared["watcher"]


_pages: weakref.WeakSet[Any] = weakref.WeakSet()


def new_page() -> Any:
    """A new participant page (its widget) on the process's shared store and watcher."""
    from . import ParticipantPage

    store, watcher = _store_and_watcher()
    _start_trimmer()
    page = ParticipantPage(store, os.environ.get("CITYWORKSHOP_LANG") or None, watcher=watcher,
                           room=_shared["room"])
    _pages.add(page)
    return page.show()


def live_pages() -> int:
    """Pages of this process whose session is still open (closed ones are freed)."""
    return sum(1 for p in list(_pages) if getattr(p.widget, "comm", None) is not None)


# -- memory back to its level once pages are gone --------------------------------------------

TRIM_SECONDS = 10.0  # how often the process looks whether pages went away


def _malloc_trim() -> bool:
    """Hand freed heap memory back to the system (glibc keeps it for reuse otherwise: after
    forty pages closed, the process stayed about 35% above its level). False off glibc."""
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        return bool(libc.malloc_trim(0))
    except (OSError, AttributeError):
        return False


def release_memory() -> None:
    """Collect the cycles of closed pages' widgets, then return freed memory to the system."""
    import gc

    gc.collect()
    _malloc_trim()


def _watch_memory() -> None:
    last = live_pages()
    while True:
        threading.Event().wait(TRIM_SECONDS)
        now = live_pages()
        if now < last:  # sessions were released (the idle time passed): give memory back
            release_memory()
        last = now


_trimmer_started = False


def _start_trimmer() -> None:
    global _trimmer_started
    with _shared_lock:
        if _trimmer_started:
            return
        _trimmer_started = True
    threading.Thread(target=_watch_memory, name="cityworkshop-trim", daemon=True).start()


# -- the gate around Solara's routes ----------------------------------------------------------

_ALLOWED = ("/_solara/", "/static/", "/jupyter/api/kernels/", "/jupyter/nbextensions/")
_REFUSED = ("/_solara/api/evict/", "/_solara/auth/", "/static/public/")
_CACHED = ("/_solara/cdn/", "/static/")


class PageGate:
    """ASGI middleware: only the page's own routes, no fetch from a CDN, compressed once.

    Parameters
    ----------
    app
        Solara's Starlette app.
    cdn_dir
        The folder of ``solara-assets``' files (Solara's proxy cache).
    """

    def __init__(self, app: ASGIApp, cdn_dir: Path, *, count_route: bool = False,
                 root_path: str = ""):
        self.app = app
        #: the page's path prefix (:func:`normal_root_path`); taken off a request's path
        self.root_path = normal_root_path(root_path)
        #: answer ``/_cityworkshop/pages`` with the number of open page sessions (tests and
        #: benchmarks only: ``--count-route``; never on by default)
        self.count_route = count_route
        self.cdn_dir = cdn_dir.resolve()
        self._cache: dict[str, tuple[int, list[tuple[bytes, bytes]], bytes]] = {}
        self._lock = threading.Lock()

    def allowed(self, path: str) -> bool:
        """Whether ``path`` is one of the page's own."""
        if path == "/":
            return True
        if not path.startswith(_ALLOWED) or path.startswith(_REFUSED) or ".." in path:
            return False
        if path.startswith("/_solara/cdn/"):
            # the proxy would download a file it lacks: answer only from what is on disk
            local = (self.cdn_dir / path[len("/_solara/cdn/"):]).resolve()
            if not local.is_relative_to(self.cdn_dir):
                return False
            return local.is_file() or (local / "__main.js").is_file()
        return True

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        path = scope.get("path", "")
        root = self.root_path
        if root and (path == root or path.startswith(root + "/")):
            # a proxy that passes the prefix on: the routes are Solara's own, without it
            path = path[len(root):] or "/"
            scope = dict(scope, path=path, raw_path=path.encode("latin-1"))
        if self.count_route and path == "/_cityworkshop/pages" and scope["type"] == "http":
            await _plain(send, 200, str(live_pages()).encode())
            return
        if not self.allowed(path):
            if scope["type"] == "websocket":
                await send({"type": "websocket.close", "code": 1008})
                return
            await _plain(send, 404, b"Not found")
            return
        if (scope["type"] == "http" and scope.get("method") == "GET"
                and path.startswith(_CACHED) and _accepts_gzip(scope)):
            await self._cached(scope, receive, send)
            return
        await self.app(scope, receive, send)

    async def _cached(self, scope: Scope, receive: Receive, send: Send) -> None:
        key = scope["path"] + "?" + scope.get("query_string", b"").decode("latin-1")
        hit = self._cache.get(key)
        if hit is None:
            status, headers, body = await _collect(self.app, scope, receive)
            if status != 200:
                await _replay(send, status, headers, body)
                return
            keep = [(k, v) for k, v in headers
                    if k.lower() not in (b"content-length", b"content-encoding", b"etag",
                                         b"last-modified", b"cache-control")]
            if len(body) >= 1024:
                body = gzip.compress(body, compresslevel=6, mtime=0)
                keep.append((b"content-encoding", b"gzip"))
            keep += [(b"vary", b"Accept-Encoding"),
                     (b"cache-control", b"public, max-age=86400")]
            hit = (status, keep, body)
            with self._lock:
                self._cache[key] = hit
        status, headers, body = hit
        await _replay(send, status, headers, body)


def _accepts_gzip(scope: Scope) -> bool:
    for k, v in scope.get("headers", ()):
        if k.lower() == b"accept-encoding":
            return b"gzip" in v
    return False


async def _collect(app: ASGIApp, scope: Scope, receive: Receive
                   ) -> tuple[int, list[tuple[bytes, bytes]], bytes]:
    start: dict[str, Any] = {}
    chunks: list[bytes] = []

    async def capture(message: Message) -> None:
        if message["type"] == "http.response.start":
            start.update(message)
        elif message["type"] == "http.response.body":
            chunks.append(message.get("body", b""))

    await app(scope, receive, capture)
    return int(start.get("status", 500)), list(start.get("headers", [])), b"".join(chunks)


async def _replay(send: Send, status: int, headers: list[tuple[bytes, bytes]], body: bytes
                  ) -> None:
    out = [(k, v) for k, v in headers if k.lower() != b"content-length"]
    out.append((b"content-length", str(len(body)).encode()))
    await send({"type": "http.response.start", "status": status, "headers": out})
    await send({"type": "http.response.body", "body": body})


async def _plain(send: Send, status: int, text: bytes) -> None:
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                            (b"content-length", str(len(text)).encode())]})
    await send({"type": "http.response.body", "body": text})


def build_app(*, count_route: bool = False, root_path: str = "") -> Any:
    """Solara's Starlette app (its routes and lifespan, not its gzip-every-time middleware)
    inside :class:`PageGate`. :func:`configure` must have run first."""
    from solara.server import settings as solara_settings
    from solara.server import starlette as solara_starlette
    from starlette.applications import Starlette

    inner = Starlette(routes=solara_starlette.routes, lifespan=solara_starlette.lifespan)
    return PageGate(inner, Path(solara_settings.assets.proxy_cache_dir), count_route=count_route,
                    root_path=root_path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m cityworkshop.participant.server",
                                     description="Serve the participant page (Solara).")
    parser.add_argument("--db", required=True, help="workshop file, or a PostgreSQL URL")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8866)
    parser.add_argument("--lang", default="id")
    parser.add_argument("--idle-minutes", type=float, default=IDLE_MINUTES)
    parser.add_argument("--root-path", default="",
                        help="the page's path prefix behind a reverse proxy, e.g. /tangsel_2026")
    parser.add_argument("--count-route", action="store_true",
                        help="answer /_cityworkshop/pages with the open sessions (tests)")
    args = parser.parse_args(argv)
    configure(args.db, args.lang, args.idle_minutes, args.root_path)
    import uvicorn

    app = build_app(count_route=args.count_route, root_path=args.root_path)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning", access_log=False,
                lifespan="on", ws_ping_interval=20, ws_ping_timeout=20)
    return 0


if __name__ == "__main__":
    # run the module's real copy, so that the app script (which imports it) shares its state
    from cityworkshop.participant.server import main as _main

    sys.exit(_main())
