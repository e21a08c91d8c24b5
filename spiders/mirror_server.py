"""Serve a mirror directory (data/mirrors/<provider>/) over HTTP on 127.0.0.1, with fault knobs.

URL → file: ``/`` and ``/dir/`` → ``index.html`` in that directory; ``/path?k=v`` → the file
``path@k=v`` (so query-string URL shapes of real sites can be stored as static files); anything else →
the file at that path. Used by the spider tests, the crawl benchmark and ``recert sample``.

Fault knobs (set on ``MirrorServer.faults`` at any time, keyed by URL path + query as requested):

- ``fail_first[url] = n`` — answer 500 to the first n requests of ``url``, then serve it;
- ``stall[url] = seconds`` — wait that long before answering (a stalled response);
- ``truncate[url] = n`` — announce the full Content-Length but send only n bytes, then close;
- ``robots_txt = "…"`` — serve this robots.txt instead of the mirror's.

``MirrorServer.requests`` lists every URL requested, in order (to prove a page was never fetched).

Run by hand: ``.venv/bin/python -m spiders.mirror_server data/mirrors/ace --port 8000``.
"""

from __future__ import annotations

import argparse
import mimetypes
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from urllib.parse import unquote, urlsplit


@dataclass
class Faults:
    fail_first: dict[str, int] = field(default_factory=dict)
    stall: dict[str, float] = field(default_factory=dict)
    truncate: dict[str, int] = field(default_factory=dict)
    robots_txt: str | None = None


def file_for(root: Path, target: str) -> Path | None:
    """The mirror file that answers request target ``target`` (path + query), or None."""
    parts = urlsplit(target)
    path = unquote(parts.path).lstrip("/")
    if path == "" or path.endswith("/"):
        path += "index.html"
    if parts.query:
        path = f"{path}@{unquote(parts.query)}"
    candidate = (root / path).resolve()
    if root not in candidate.parents and candidate != root:
        return None  # no escaping the mirror with ../
    if candidate.is_dir():
        candidate = candidate / "index.html"
    return candidate if candidate.is_file() else None


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: object) -> None:  # quiet: tests read .requests instead
        pass

    def do_GET(self) -> None:
        mirror = self.server.mirror
        target = self.path
        with mirror.lock:
            mirror.requests.append(target)
            failures = mirror.faults.fail_first.get(target, 0)
            if failures:
                mirror.faults.fail_first[target] = failures - 1
        if failures:
            self._send(500, b"<html><body>Internal Server Error</body></html>", "text/html")
            return
        stall = mirror.faults.stall.get(target)
        if stall:
            mirror.stop.wait(stall)
        if urlsplit(target).path == "/robots.txt" and mirror.faults.robots_txt is not None:
            self._send(200, mirror.faults.robots_txt.encode(), "text/plain")
            return
        found = file_for(mirror.root, target)
        if found is None:
            self._send(404, b"<html><body>Not Found</body></html>", "text/html")
            return
        body = found.read_bytes()
        kind = mimetypes.guess_type(found.name.split("@", 1)[0])[0] or "text/html"
        self._send(200, body, kind, truncate=mirror.faults.truncate.get(target))

    def _send(self, status: int, body: bytes, kind: str, truncate: int | None = None) -> None:
        self.send_response(status)
        charset = "; charset=utf-8" if kind.startswith("text/") or kind.endswith("xml") else ""
        self.send_header("Content-Type", kind + charset)
        self.send_header("Content-Length", str(len(body)))
        if truncate is not None:
            self.send_header("Connection", "close")
        self.end_headers()
        try:
            self.wfile.write(body if truncate is None else body[:truncate])
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            pass
        if truncate is not None:
            self.close_connection = True


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    mirror: MirrorServer


class MirrorServer:
    """A mirror served on 127.0.0.1 (port 0 = a free port) in a daemon thread; a context manager."""

    def __init__(self, root: Path | str, port: int = 0):
        self.root = Path(root).resolve()
        self.faults = Faults()
        self.requests: list[str] = []
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self._server = _Server(("127.0.0.1", port), _Handler)
        self._server.mirror = self
        self._thread = threading.Thread(target=self._server.serve_forever, name="mirror", daemon=True)

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> MirrorServer:
        self._thread.start()
        return self

    def close(self) -> None:
        self.stop.set()
        self._server.shutdown()
        self._server.server_close()

    def reset(self) -> None:
        """Forget faults and the request log (between tests sharing one server)."""
        with self.lock:
            self.faults = Faults()
            self.requests.clear()

    def __enter__(self) -> MirrorServer:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("root", type=Path)
    parser.add_argument("--port", type=int, default=8000)
    args = parser.parse_args()
    with MirrorServer(args.root, args.port) as server:
        print(f"serving {server.root} at {server.url} (Ctrl-C to stop)", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
