"""A real HTTP provider for tests: a local server on a free port, in a thread.

It records every request (path, headers, raw body, JSON, when it arrived) and answers
with what the test scripted: a status per request (``replies``, then ``default``), and
optionally a delay longer than notify's timeout. It can also sign and post receipts back
to notify as the provider contract says.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from notify_svc.domain.provider_contract import sign


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]
    body: bytes
    at: float
    """time.monotonic() when it arrived"""

    @property
    def json(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.body)
        return data


@dataclass
class ProviderServer:
    host: str
    port: int
    replies: deque[int] = field(default_factory=deque)
    default: int = 200
    delay_seconds: float = 0.0
    received: list[Received] = field(default_factory=list)
    answered: list[int] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}/messages"

    def accepted(self) -> list[Received]:
        """Requests answered 2xx (what the provider took)."""
        with self.lock:
            return [r for r, s in zip(self.received, self.answered, strict=False) if s < 300]

    def answer(self, request: Received) -> int:
        with self.lock:
            self.received.append(request)
            status = self.replies.popleft() if self.replies else self.default
            self.answered.append(status)
            return status


def _handler(server: ProviderServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            request = Received(self.path, dict(self.headers.items()), body, time.monotonic())
            status = server.answer(request)
            if server.delay_seconds:
                time.sleep(server.delay_seconds)
            if status < 300:
                payload: dict[str, Any] = {"provider_message_id": f"p-{len(server.received)}"}
            else:
                payload = {"error": "scripted", "recipient_refused": status == 422}
            data = json.dumps(payload).encode()
            with contextlib.suppress(OSError):  # notify gave up waiting (a timeout test)
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@contextlib.contextmanager
def provider_server() -> Iterator[ProviderServer]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    host, port = httpd.server_address[0], httpd.server_address[1]
    state = ProviderServer(str(host), int(port))
    httpd.RequestHandlerClass = _handler(state)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()


def signed_receipt(secret: str, receipt: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
    """A receipt body and the headers the provider contract signs it with."""
    body = json.dumps(receipt).encode()
    headers = {
        "Content-Type": "application/json",
        "X-Debtflow-Signature": sign(secret, body, int(time.time())),
    }
    return body, headers
