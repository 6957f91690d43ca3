"""Client addresses: which address a request comes from, and whether it falls in a list of allowed ranges."""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from django.conf import settings
from django.http import HttpRequest

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_networks(text: str) -> list[Network]:
    """Addresses and CIDR ranges separated by commas, spaces or new lines; ValueError on a bad one."""
    items = text.replace(",", " ").split()
    return [ipaddress.ip_network(item, strict=False) for item in items]


def address_in(address: str, networks: Iterable[Network]) -> bool:
    """Whether ``address`` lies in one of ``networks``; an unreadable address lies in none."""
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip.version == network.version and ip in network for network in networks)


def client_ip(request: HttpRequest) -> str:
    """The caller's address: REMOTE_ADDR, or X-Forwarded-For when REMOTE_ADDR is a trusted proxy.

    X-Forwarded-For is read from the right, skipping the trusted proxies that appended to it; the first
    other hop is the client. A client cannot forge its way past a proxy that appends what it saw.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    proxies = parse_networks(" ".join(settings.API_TRUSTED_PROXIES))
    if not address_in(remote, proxies):
        return remote
    hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
    for hop in reversed(hops):
        if not address_in(hop, proxies):
            return hop
    return hops[0] if hops else remote
