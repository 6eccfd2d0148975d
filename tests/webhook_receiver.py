"""A real HTTP server on 127.0.0.1 in a thread that receives webhook deliveries, for the webhook tests.

It answers each POST with the next status of `statuses` (the last one repeats) and keeps every request
(headers and raw body). `verify` is the receiver's check: the Python snippet published in docs/api.md,
read from the file and run as it stands, so the documentation cannot drift from what Invloed sends.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

API_DOC = Path(__file__).resolve().parents[1] / "docs" / "api.md"


def documented_verifier() -> Any:
    """The `verify_invloed_signature` function of docs/api.md's receiver snippet."""
    text = API_DOC.read_text()
    block = re.search(r"<!-- webhook-verification-snippet -->\s*```python\n(.*?)```", text, re.S)
    assert block, "docs/api.md lost its webhook verification snippet"
    namespace: dict[str, Any] = {}
    exec(compile(block.group(1), str(API_DOC), "exec"), namespace)  # noqa: S102 - our own documentation
    return namespace["verify_invloed_signature"]


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    statuses: list[int]
    received: list[Received] = field(default_factory=list)
    url: str = ""

    def next_status(self) -> int:
        index = min(len(self.received) - 1, len(self.statuses) - 1)
        return self.statuses[index]


@contextmanager
def receiving(*statuses: int, path: str = "/hooks") -> Iterator[Receiver]:
    receiver = Receiver(statuses=list(statuses or (200,)))

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            receiver.received.append(Received(self.path, dict(self.headers.items()), body))
            status = receiver.next_status()
            answer = f'{{"received": true, "status": {status}}}'.encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}{path}"
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
