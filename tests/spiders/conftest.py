"""Spider test harness: mirrors served on 127.0.0.1 (random port) with fault knobs, saved-page responses,
and fast crawl settings (politeness off; the real defaults are tested separately)."""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse, Request

from spiders.mirror_server import MirrorServer

MIRRORS = Path(__file__).resolve().parents[2] / "data" / "mirrors"

#: Politeness off and no backoff so tests run in seconds; everything else is the production profile.
FAST = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
    "RETRY_BACKOFF_BASE": 0,
    "DOWNLOAD_TIMEOUT": 5,
    "LOG_LEVEL": "WARNING",
}

#: The installed `recert` command beside this Python, and `recert crawl` flags turning politeness off.
RECERT = str(Path(sys.executable).with_name("recert"))
FAST_FLAGS = ["--set", "DOWNLOAD_DELAY=0", "--set", "AUTOTHROTTLE_ENABLED=False",
              "--set", "CONCURRENT_REQUESTS_PER_DOMAIN=16", "--set", "LOG_LEVEL=ERROR"]  # fmt: skip


@pytest.fixture
def serve_mirror() -> Iterator[Callable[[str | Path], MirrorServer]]:
    """serve_mirror("ace") or serve_mirror(path) → a started MirrorServer; all are closed afterwards.

    Fault knobs on ``server.faults``: ``fail_first[url] = n`` (500s, then success), ``stall[url] = s``
    (a stalled response), ``truncate[url] = n`` (a truncated page), ``robots_txt`` (e.g. disallow a path).
    """
    servers: list[MirrorServer] = []

    def serve(mirror: str | Path) -> MirrorServer:
        root = mirror if isinstance(mirror, Path) else MIRRORS / mirror
        server = MirrorServer(root).start()
        servers.append(server)
        return server

    yield serve
    for server in servers:
        server.close()


@pytest.fixture
def ace_mirror(serve_mirror: Callable[[str | Path], MirrorServer]) -> MirrorServer:
    return serve_mirror("ace")


@pytest.fixture
def ace_copy(tmp_path: Path) -> Path:
    """A private copy of the ACE mirror, for tests that change pages."""
    target = tmp_path / "ace"
    shutil.copytree(MIRRORS / "ace", target)
    return target


def file_response(mirror: str, path: str, url: str | None = None) -> HtmlResponse:
    """A response for a saved mirror page, as if fetched from the real site (``url``)."""
    page = MIRRORS / mirror / path
    url = url or f"https://example.test/{path.removesuffix('index.html')}"
    return HtmlResponse(url=url, body=page.read_bytes(), encoding="utf-8", request=Request(url))
