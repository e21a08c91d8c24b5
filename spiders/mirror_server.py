"""Serve a synthetic provider mirror (data/mirrors/<provider>/) on 127.0.0.1 for tests and `recert sample`.

Static files, with two rules that let a directory stand in for the real sites' URL shapes:

* ``/path;jsessionid=…`` — path parameters are ignored (Java/ATG session ids), as a servlet container does;
* ``/path?k=v&…`` — served from the file ``path@k=v`` for the first query parameter that has one
  (``productDetailSingleSku.jsp?productId=c412977&lp=true`` → ``…jsp@productId=c412977``),
  else from ``path`` itself (tracking parameters on a listing page change nothing).

Files without an extension (or ``.jsp``/``.aspx``) are served as UTF-8 HTML, like the pages they imitate.
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

_SAFE_VALUE_RE = re.compile(r"^[\w.\-+]+$")
_HTML_SUFFIXES = ("", ".jsp", ".aspx", ".html", ".htm")


class MirrorHandler(SimpleHTTPRequestHandler):
    """SimpleHTTPRequestHandler with query-string files, path parameters ignored and quiet logs."""

    def translate_path(self, path: str) -> str:
        parts = urlsplit(path)
        clean = "/".join(segment.split(";", 1)[0] for segment in parts.path.split("/"))
        base = super().translate_path(clean)
        for key, value in parse_qsl(parts.query, keep_blank_values=False):
            if ".." in value or not _SAFE_VALUE_RE.match(key) or not _SAFE_VALUE_RE.match(value):
                continue
            candidate = f"{base}@{key}={value}"
            if Path(candidate).is_file():
                return candidate
        return base

    def guess_type(self, path: str | object) -> str:
        name = str(path).rsplit("/", 1)[-1].split("@", 1)[0]
        suffix = name[name.rfind(".") :].lower() if "." in name else ""
        if suffix in _HTML_SUFFIXES:
            return "text/html; charset=utf-8"
        return super().guess_type(path)  # type: ignore[arg-type]

    def log_message(self, format: str, *args: object) -> None:
        return


@contextmanager
def serve_mirror(directory: Path | str) -> Iterator[str]:
    """Serve ``directory`` on 127.0.0.1 (a free port) in a daemon thread; yields the base URL."""
    handler = functools.partial(MirrorHandler, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name=f"mirror:{directory}", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
