"""A loopback HTTP proxy in front of the moto server that misbehaves on purpose.

For chosen keys it answers 503 SlowDown (throttling) or cuts a download short (sends the
headers and half the body, then closes the connection), a given number of times, then
passes requests through. The code under test just sees a flaky S3 endpoint.
"""

from __future__ import annotations

import http.client
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

SLOWDOWN = (
    b'<?xml version="1.0" encoding="UTF-8"?><Error><Code>SlowDown</Code>'
    b"<Message>Please reduce your request rate.</Message></Error>"
)


class Faults:
    """key suffix -> list of faults still to inject ("slowdown" or "drop"), in order; and
    the requests seen, as (method, path with query), when a list is given to keep them."""

    def __init__(
        self, plan: dict[str, list[str]], seen: list[tuple[str, str]] | None = None
    ) -> None:
        self.plan = {k: list(v) for k, v in plan.items()}
        self.lock = threading.Lock()
        self.seen = seen

    def next_for(self, path: str) -> str | None:
        with self.lock:
            for suffix, faults in self.plan.items():
                if path.endswith(suffix) and faults:
                    return faults.pop(0) if faults[0] != "always-drop" else "drop"
        return None


def _handler(target: tuple[str, int], faults: Faults) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:  # quiet
            pass

        def _forward(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else None
            if faults.seen is not None:
                with faults.lock:
                    faults.seen.append((self.command, unquote(self.path)))
            fault = faults.next_for(unquote(urlsplit(self.path).path))
            if fault == "slowdown":
                self.send_response(503)
                self.send_header("Content-Type", "application/xml")
                self.send_header("Content-Length", str(len(SLOWDOWN)))
                self.end_headers()
                self.wfile.write(SLOWDOWN)
                return
            upstream = http.client.HTTPConnection(*target, timeout=30)
            try:
                headers = {k: v for k, v in self.headers.items()}
                upstream.request(self.command, self.path, body=body, headers=headers)
                response = upstream.getresponse()
                data = response.read()
            finally:
                upstream.close()
            self.send_response(response.status)
            for name, value in response.getheaders():
                if name.lower() not in ("transfer-encoding", "connection", "content-length"):
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            if fault == "drop" and self.command == "GET" and len(data) > 1:
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(data[: len(data) // 2])
                self.wfile.flush()
                self.close_connection = True
                return
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(data)

        do_GET = do_PUT = do_HEAD = do_POST = do_DELETE = _forward

    return Handler


@contextmanager
def faulty_proxy(
    endpoint: str, plan: dict[str, list[str]], seen: list[tuple[str, str]] | None = None
) -> Iterator[str]:
    """Yields the proxy's http://127.0.0.1:<port>; ``plan`` and ``seen`` as in :class:`Faults`."""
    parts = urlsplit(endpoint)
    server = ThreadingHTTPServer(
        ("127.0.0.1", 0), _handler((parts.hostname or "", parts.port or 80), Faults(plan, seen))
    )
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
