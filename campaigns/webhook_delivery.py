"""The wire side of webhooks: the signature, which addresses may be called (SSRF), and one HTTP POST.

- Signature: `Invloed-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the secret>`.
  Receivers verify it in constant time and refuse timestamps older than five minutes (docs/api.md).
- Addresses: the host is resolved at registration *and* at every attempt, and every address it resolves
  to must be public: loopback, private, link-local, shared (CGNAT), multicast, reserved and unspecified
  addresses are refused, so an endpoint cannot make Invloed's workers call its own network. The
  connection then goes to the address that was checked (never a second lookup: no DNS rebinding), with
  the host name kept for TLS (SNI, certificate) and the Host header.
- `WEBHOOK_ALLOW_LOOPBACK` (on in debug and tests, off in production) lets http:// and loopback
  addresses through, for a receiver on the same machine; nothing else is ever allowed.
- The call: no redirects are followed (a 3xx is a failed attempt), `WEBHOOK_TIMEOUT_SECONDS` (5 s) for
  the connection and for the whole answer, at most RESPONSE_READ_LIMIT bytes of it read.
"""

from __future__ import annotations

import hashlib
import hmac
import http.client
import ipaddress
import json
import socket
import ssl
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

SIGNATURE_HEADER = "Invloed-Signature"
RESPONSE_READ_LIMIT = 64 * 1024
USER_AGENT = "Invloed-Webhooks/1.0 (+https://invloed.example/docs/api#webhooks)"


class AddressRefused(Exception):
    """The endpoint's address may not be called; the message says why (shown to the owner)."""


@dataclass(frozen=True)
class Target:
    scheme: str
    host: str
    port: int
    path: str
    address: str  # the checked IP address the connection goes to


@dataclass(frozen=True)
class AttemptResult:
    status_code: int | None
    body: str
    error: str
    duration_ms: int

    @property
    def succeeded(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def sign(*, secret: str, timestamp: int, body: bytes) -> str:
    """The signature header's value for this body at this time."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def payload_body(*, event_id: str, event_type: str, created: int, data: dict[str, Any]) -> bytes:
    """The JSON sent: the same bytes for every attempt of an event."""
    payload = {"id": event_id, "type": event_type, "created": created, "data": data}
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _allow_loopback() -> bool:
    return bool(getattr(settings, "WEBHOOK_ALLOW_LOOPBACK", False))


def address_refusal(address: str) -> str | None:
    """Why this IP address may not be called, or None when it is a public address."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip.is_loopback:
        return None if _allow_loopback() else _("it is a loopback address")
    if ip.is_multicast:
        return _("it is a multicast address")
    if ip.is_link_local:
        return _("it is a link-local address")
    if ip.is_private or not ip.is_global:
        return _("it is a private or reserved address")
    return None


def resolve(host: str, port: int) -> list[str]:
    """Every address the host resolves to (IP literals resolve to themselves)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def target_check(url: str) -> Target:
    """Resolve and check an endpoint URL; AddressRefused with the reason when it may not be called."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("https", "http"):
        raise AddressRefused(_("The address must start with https://."))
    if parts.username or parts.password:
        raise AddressRefused(_("The address must not contain a user name or password."))
    host = parts.hostname or ""
    if not host:
        raise AddressRefused(_("The address has no host name."))
    try:
        port = parts.port or (443 if scheme == "https" else 80)
    except ValueError as exc:
        raise AddressRefused(_("The address has an invalid port.")) from exc
    try:
        addresses = resolve(host, port)
    except (OSError, UnicodeError) as exc:
        raise AddressRefused(_("The host name %(host)s could not be resolved.") % {"host": host}) from exc
    if not addresses:
        raise AddressRefused(_("The host name %(host)s could not be resolved.") % {"host": host})
    for address in addresses:
        refusal = address_refusal(address)
        if refusal:
            raise AddressRefused(
                _("%(host)s resolves to %(address)s, which webhooks may not call: %(reason)s.")
                % {"host": host, "address": address, "reason": refusal}
            )
    if scheme == "http" and not (_allow_loopback() and all(ipaddress.ip_address(a).is_loopback for a in addresses)):
        raise AddressRefused(_("The address must start with https://."))
    path = parts.path or "/"
    if parts.query:
        path = f"{path}?{parts.query}"
    return Target(scheme=scheme, host=host, port=port, path=path, address=addresses[0])


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Connects to the checked address, whatever the host name would resolve to now."""

    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """TLS to the checked address, verifying the certificate for the host name (SNI)."""

    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout, context=ssl.create_default_context())
        self._address = target.address

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock = self._context.wrap_socket(sock, server_hostname=self.host)  # type: ignore[attr-defined]


def _read_limited(response: http.client.HTTPResponse, deadline: float) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while size < RESPONSE_READ_LIMIT and time.monotonic() < deadline:
        chunk = response.read1(min(8192, RESPONSE_READ_LIMIT - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def post(*, url: str, body: bytes, headers: dict[str, str]) -> AttemptResult:
    """One POST of the body to the endpoint, after checking its address again; never raises."""
    timeout = float(getattr(settings, "WEBHOOK_TIMEOUT_SECONDS", 5))
    started = time.monotonic()

    def result(status: int | None = None, text: str = "", error: str = "") -> AttemptResult:
        return AttemptResult(status, text, error[:300], int((time.monotonic() - started) * 1000))

    try:
        target = target_check(url)
    except AddressRefused as refused:
        return result(error=str(refused))
    connection_class = _PinnedHTTPSConnection if target.scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(target, timeout)
    try:
        connection.request("POST", target.path, body=body, headers={**headers, "User-Agent": USER_AGENT})
        response = connection.getresponse()
        raw = _read_limited(response, started + timeout)
        text = raw.decode("utf-8", errors="replace")
        error = ""
        if 300 <= response.status < 400:
            error = _("Redirects are not followed (Location: %(location)s).") % {
                "location": (response.getheader("Location") or "")[:200]
            }
        return result(response.status, text, error)
    except ssl.SSLError as exc:
        return result(error=_("TLS error: %(error)s") % {"error": exc.reason or exc})
    except TimeoutError:
        return result(error=_("No answer within %(seconds)d seconds.") % {"seconds": timeout})
    except (OSError, http.client.HTTPException) as exc:
        return result(error=f"{type(exc).__name__}: {exc}")
    finally:
        connection.close()
