"""Tiny real HTTP listeners on loopback that answer fixed JSON and remember what they were sent."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    path: str
    authorization: str | None


@dataclass
class Listener:
    base_url: str
    received: list[Received] = field(default_factory=list)


#: Given the listener's own base URL and the path asked for, the JSON body to answer.
Answer = Callable[[str, str], Any]


@contextmanager
def listening(answer: Answer) -> Iterator[Listener]:
    listener = Listener(base_url="")

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            listener.received.append(Received(self.path, self.headers.get("Authorization")))
            body = json.dumps(answer(listener.base_url, self.path)).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *_args: Any) -> None:
            return None

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    listener.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield listener
    finally:
        server.shutdown()
        server.server_close()
