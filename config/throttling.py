"""DRF's address throttles, counting the client that config/client_ip.py resolves (not any X-Forwarded-For).

DRF's own `get_ident` believes the whole X-Forwarded-For header unless NUM_PROXIES is set, so each
new header value was a fresh anonymous budget. These classes are the ones REST_FRAMEWORK and every
view's `throttle_classes` name.
"""

from __future__ import annotations

from typing import Any

from rest_framework import throttling

from .client_ip import client_ip


class ClientAddressMixin:
    def get_ident(self, request: Any) -> str:
        return client_ip(request)


class AnonRateThrottle(ClientAddressMixin, throttling.AnonRateThrottle):
    pass


class UserRateThrottle(ClientAddressMixin, throttling.UserRateThrottle):
    pass


class ScopedRateThrottle(ClientAddressMixin, throttling.ScopedRateThrottle):
    pass
