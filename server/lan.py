"""The addresses a phone on the same network can open, for ``humiao serve --host 0.0.0.0``.

A server bound to every interface is reachable at each of the machine's IPv4 addresses;
printing only "0.0.0.0" leaves the person at the laptop guessing which one to type into
the phone. Standard library only: the interfaces' addresses (Linux), the address the
default route leaves from, and what the host name resolves to.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import struct
import sys

ANY = {"0.0.0.0", "", "*"}
SIOCGIFADDR = 0x8915


def _interface_addresses() -> set[str]:
    """IPv4 address of every interface (Linux ioctl; empty elsewhere)."""
    if not sys.platform.startswith("linux"):
        return set()
    import fcntl

    found = set()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        for _index, name in socket.if_nameindex():
            packed = struct.pack("256s", name.encode()[:15])
            with contextlib.suppress(OSError):
                found.add(socket.inet_ntoa(fcntl.ioctl(probe.fileno(), SIOCGIFADDR, packed)[20:24]))
    return found


def _route_address() -> set[str]:
    """The source address of the default route. A UDP connect sends nothing."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 1))
            return {probe.getsockname()[0]}
        except OSError:
            return set()


def _host_name_addresses() -> set[str]:
    try:
        return {info[4][0] for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)}
    except OSError:
        return set()


def lan_addresses() -> list[str]:
    """This machine's IPv4 addresses other phones could reach (no loopback), sorted."""
    found = _interface_addresses() | _route_address() | _host_name_addresses()
    usable = {a for a in found if not ipaddress.ip_address(a).is_loopback and not a.startswith("0.")}
    return sorted(usable, key=lambda a: tuple(int(part) for part in a.split(".")))


def urls(host: str, port: int) -> list[str]:
    """Every URL the server answers at: for a wildcard host, localhost and each LAN address."""
    if host in ANY:
        return [f"http://127.0.0.1:{port}/"] + [f"http://{a}:{port}/" for a in lan_addresses()]
    shown = f"[{host}]" if ":" in host else host
    return [f"http://{shown}:{port}/"]


def is_local_only(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
