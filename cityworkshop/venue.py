"""The venue network: the address phones can reach, and how the notebooks learn it.

Plain Python (no widgets), used by the CLI and by the facilitator's join card.
:func:`lan_address` finds this machine's IPv4 address on the venue network without internet
(no packet leaves the machine); :func:`join_url` turns the address the participant server
listens on into the link to project. ``cityworkshop up`` hands that link to JupyterLab's
kernels in ``CITYWORKSHOP_PAGE_URL``; ``serve`` and ``up`` also write it beside the database
(:func:`page_file`), so that a JupyterLab started on its own with ``cityworkshop lab`` finds it.
"""

from __future__ import annotations

import ipaddress
import json
import os
import socket
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "PageAddress",
    "find_page_address",
    "join_url",
    "lan_address",
    "page_environment",
    "page_file",
    "pick_lan_address",
    "write_page_file",
]

PAGE_URL_ENV = "CITYWORKSHOP_PAGE_URL"
PAGE_LOCAL_ENV = "CITYWORKSHOP_PAGE_LOCAL"  # "1": the page listens on 127.0.0.1 only
LAB_LANG_ENV = "CITYWORKSHOP_LANG"
ANY_HOSTS = ("0.0.0.0", "", "::")
# interfaces that are never the venue network: loopback, containers, VMs, VPN tunnels
_VIRTUAL = ("lo", "docker", "br-", "veth", "virbr", "vmnet", "vboxnet", "cni", "flannel",
            "cali", "tun", "tap", "wg", "zt", "tailscale", "lxc", "lxd", "podman", "kube")
# preferred kinds of interface, best first (Wi-Fi, then cable)
_PREFERRED = ("wl", "wlan", "wifi", "en", "eth")


def _usable(address: str) -> bool:
    try:
        ip = ipaddress.IPv4Address(address)
    except ValueError:
        return False
    return not (ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_unspecified)


def _virtual(name: str) -> bool:
    low = name.lower()
    return any(low.startswith(prefix) for prefix in _VIRTUAL)


def pick_lan_address(interfaces: Mapping[str, Iterable[str]],
                     up: Mapping[str, bool] | None = None,
                     routed: str | None = None) -> str | None:
    """Choose the venue-network IPv4 address among a machine's interfaces.

    Parameters
    ----------
    interfaces
        Interface name -> its IPv4 addresses (as :func:`psutil.net_if_addrs` lists them).
    up
        Interface name -> whether it is up; an interface that is down is skipped.
    routed
        The address the system would send from (the UDP trick of :func:`lan_address`); chosen
        when it is one of the candidates.

    Returns
    -------
    str or None
        Loopback, link-local (169.254.x.x), container and VPN interfaces are skipped; a
        private address (10.x, 172.16-31.x, 192.168.x) beats a public one, a Wi-Fi or cable
        interface beats others. None when nothing is left.

    Examples
    --------
    >>> pick_lan_address({"lo": ["127.0.0.1"], "docker0": ["172.17.0.1"],
    ...                   "wlp2s0": ["192.168.1.23"]})
    '192.168.1.23'
    """
    candidates: list[tuple[int, int, int, str]] = []
    for order, (name, addresses) in enumerate(interfaces.items()):
        if _virtual(name) or (up is not None and not up.get(name, True)):
            continue
        kind = next((i for i, p in enumerate(_PREFERRED) if name.lower().startswith(p)),
                    len(_PREFERRED))
        for address in addresses:
            if _usable(address):
                private = 0 if ipaddress.IPv4Address(address).is_private else 1
                candidates.append((private, kind, order, address))
    if not candidates:
        return None
    if routed is not None and any(c[3] == routed for c in candidates):
        return routed
    return min(candidates)[3]


def _routed_address() -> str | None:
    """The address the system picks for a private destination (a UDP connect sends nothing)."""
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("10.255.255.255", 1))
            return str(s.getsockname()[0])
    except OSError:
        return None


def lan_address() -> str | None:
    """This machine's IPv4 address on the venue network, or None (offline: no packet is sent).

    Reads the interfaces with psutil when it is installed (it comes with Jupyter), else trusts
    the route the system would take to a private address.
    """
    routed = _routed_address()
    try:
        import psutil
    except ImportError:  # pragma: no cover - psutil comes with ipykernel
        return routed if routed is not None and _usable(routed) else None
    try:
        addrs = psutil.net_if_addrs()
        stats = psutil.net_if_stats()
    except OSError:  # pragma: no cover - a sandbox without /proc/net
        return routed if routed is not None and _usable(routed) else None
    interfaces = {name: [a.address for a in entries if a.family == socket.AF_INET]
                  for name, entries in addrs.items()}
    up = {name: s.isup for name, s in stats.items()}
    return pick_lan_address(interfaces, up, routed)


@dataclass(frozen=True)
class PageAddress:
    """Where phones open the participant page.

    Attributes
    ----------
    url
        The link to project, e.g. ``http://192.168.1.23:8866/``.
    local_only
        True when the server listens on 127.0.0.1 (or no venue address was found): only this
        computer can open the link, and the screen says so.
    """

    url: str
    local_only: bool


def join_url(host: str, port: int, lan: str | None = None) -> PageAddress:
    """The link phones open for a participant server listening on ``host:port``.

    ``0.0.0.0`` (every interface) becomes the venue-network address (``lan``, else
    :func:`lan_address`); ``127.0.0.1`` stays as it is and is marked ``local_only``.

    >>> join_url("0.0.0.0", 8866, lan="192.168.1.23")
    PageAddress(url='http://192.168.1.23:8866/', local_only=False)
    >>> join_url("127.0.0.1", 8866).local_only
    True
    """
    if host in ANY_HOSTS:
        ip = lan if lan is not None else lan_address()
        if ip is None:
            return PageAddress(f"http://127.0.0.1:{port}/", True)
        return PageAddress(f"http://{ip}:{port}/", False)
    try:
        local = ipaddress.ip_address(host).is_loopback
    except ValueError:
        local = host == "localhost"
    shown = f"[{host}]" if ":" in host else host
    return PageAddress(f"http://{shown}:{port}/", local)


def page_environment(address: PageAddress) -> dict[str, str]:
    """The variables that hand the page's address to JupyterLab's kernels."""
    return {PAGE_URL_ENV: address.url, PAGE_LOCAL_ENV: "1" if address.local_only else "0"}


def page_file(db: str | Path) -> Path:
    """The small file beside the database where ``serve``/``up`` leave the page's address."""
    db = Path(db)
    return db.with_name(db.name + ".page.json")


def write_page_file(db: str | Path, address: PageAddress, pid: int | None = None) -> Path:
    """Leave the page's address beside the database (for a JupyterLab started on its own)."""
    path = page_file(db)
    data = {"url": address.url, "local_only": address.local_only, "pid": pid or os.getpid()}
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data), encoding="utf-8")
    os.replace(tmp, path)
    return path


def _alive(pid: object) -> bool:
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def find_page_address(db: str | Path | None = None,
                      environ: Mapping[str, str] | None = None, *,
                      store: Any = None) -> PageAddress | None:
    """The participant page's address as the notebooks see it, or None when no server runs.

    ``CITYWORKSHOP_PAGE_URL`` (set by ``cityworkshop up`` for JupyterLab) first; else the file
    that a running ``serve``/``up`` left beside a SQLite database (:func:`page_file`); else,
    for a PostgreSQL workshop, the address a running ``serve`` keeps in the workshop itself
    (``store``: :meth:`~cityworkshop.store.WorkshopStore.page_address`).
    """
    env = os.environ if environ is None else environ
    url = env.get(PAGE_URL_ENV, "").strip()
    if url:
        return PageAddress(url, env.get(PAGE_LOCAL_ENV, "0").strip() == "1")
    if db is None or "://" in str(db):  # a database server's URL has no folder for a file
        kept = store.page_address() if store is not None else None
        return PageAddress(kept[0], kept[1]) if kept else None
    try:
        data = json.loads(page_file(db).read_text("utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or not isinstance(data.get("url"), str) \
            or not _alive(data.get("pid")):
        return None
    return PageAddress(data["url"], bool(data.get("local_only")))
