"""The client's address, the one answer every limit uses: DRF throttles, config/ratelimit.py and axes lock-out.

`X-Forwarded-For` is written by whoever sends the request, so it is believed only as far as the
proxies we run. settings.TRUSTED_PROXIES lists them (addresses or networks, e.g.
"10.0.0.0/8,127.0.0.1"); the default, empty, trusts no forwarded header and the client is
REMOTE_ADDR, the peer of the TCP connection. Behind trusted proxies the client is the right-most
address of the chain (REMOTE_ADDR appended last) that is not one of them: each proxy appends the
peer it saw, so everything left of that address was written by the client and is ignored.

A list of networks rather than a count of proxies: a request that reaches gunicorn without passing
through the proxy (an internal health check, a second load balancer) is still answered correctly.
"""

from __future__ import annotations

import ipaddress
from functools import lru_cache
from typing import Any

from django.conf import settings

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address


@lru_cache(maxsize=8)
def trusted_networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    """settings.TRUSTED_PROXIES parsed; a wrong entry is an error at start-up (settings.py parses it too)."""
    return tuple(ipaddress.ip_network(entry.strip(), strict=False) for entry in entries if entry.strip())


def _address(text: str) -> Address | None:
    text = text.strip()
    if text.startswith("[") and "]" in text:  # "[2001:db8::1]:443"
        text = text[1 : text.index("]")]
    elif text.count(":") == 1:  # "203.0.113.7:51234"
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    # An IPv4 client seen through an IPv6 socket is the same client as over IPv4.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


UNKNOWN_PEER = "0.0.0.0"  # noqa: S104 - a value stored and counted, never bound to


def client_address(remote_addr: str | None, forwarded_for: str | None, trusted: tuple[str, ...]) -> str:
    """The right-most address of `forwarded_for, remote_addr` that is not a trusted proxy."""
    peer = _address(remote_addr or "")
    if peer is None:
        # No usable peer address (a unix socket, an in-process client): one shared, valid address, so
        # throttles still count it and axes can store it in its IP address column.
        return UNKNOWN_PEER
    networks = trusted_networks(tuple(trusted))
    client = peer
    if forwarded_for and any(peer in network for network in networks):
        for hop in reversed(forwarded_for.split(",")):
            address = _address(hop)
            if address is None:
                break  # garbage written by the client: the last proxy's peer stays the answer
            client = address
            if not any(address in network for network in networks):
                break
    return str(client)


def client_ip(request: Any) -> str:
    """The client's address for this Django or DRF request (AXES_CLIENT_IP_CALLABLE points here)."""
    meta = request.META
    return client_address(meta.get("REMOTE_ADDR"), meta.get("HTTP_X_FORWARDED_FOR"), settings.TRUSTED_PROXIES)
