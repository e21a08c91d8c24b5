"""Crawl throughput: pages/s on a generated 5,000-page ACE-like mirror on loopback, politeness off, next to
`scrapy bench` on the same machine in the same run.

    .venv/bin/python -m bench.bench_crawl [--courses 4545] [--repeats 3]

Variants, interleaved per repeat (medians reported):
- recert: ``spiders.run.crawl(["ace"], dry_run)`` — the in-process path `recert crawl` uses (reactorless
  Scrapy, aiohttp download handler), full parse + pipeline chain (validation, dedupe), no catalog write;
- scrapy crawl ace: the same spider and pipelines as a `scrapy crawl` subprocess (Twisted reactor, HTTP11);
- scrapy bench: Scrapy's own benchmark (a link-following spider on its bundled server), run outside the
  project so it uses stock settings.
The mirror is served by twisted.web (static files) in a subprocess, like `scrapy bench`'s own server.
Politeness off = no download delay, no AutoThrottle, Scrapy's stock concurrency (16, 8 per host);
robots.txt is still fetched and obeyed.
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import platform
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
POLITENESS_OFF = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS": 16,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
    "RETRY_BACKOFF_BASE": 0,
    "LOG_LEVEL": "WARNING",
}
SERVE = """
import sys
from twisted.internet import reactor
from twisted.web.server import Site
from twisted.web.static import File
reactor.listenTCP(int(sys.argv[2]), Site(File(sys.argv[1])), interface="127.0.0.1")
print("ready", flush=True)
reactor.run()
"""


def build_mirror(out: Path, courses: int) -> int:
    """Write an ACE-like mirror with ``courses`` course pages; returns the number of pages a crawl fetches."""
    spec = importlib.util.spec_from_file_location(
        "ace_mirror_build", ROOT / "data" / "mirrors" / "ace" / "build.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.build(out, courses, odd_pages=False)
    catalog_pages = -(-courses // module.PER_PAGE)
    return courses + catalog_pages + 2  # + the membership page and robots.txt


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def recert_rate(base_url: str) -> tuple[float, int]:
    from spiders.run import crawl

    (summary,) = crawl(["ace"], catalog_path=None, base_url=base_url, dry_run=True, settings=POLITENESS_OFF)
    pages = summary.stats["response_received_count"]
    return pages / summary.stats["elapsed_time_seconds"], summary.items


def _final_stats(log: str) -> dict:
    dump = log[log.rindex("Dumping Scrapy stats:") :]
    body = dump[dump.index("{") : dump.index("}") + 1]
    body = re.sub(r"datetime\.datetime\([^)]*\)", "None", body)
    return ast.literal_eval(body)


def scrapy_crawl_rate(base_url: str) -> tuple[float, int]:
    settings = [arg for k, v in {**POLITENESS_OFF, "LOG_LEVEL": "INFO", "RECERT_DRY_RUN": True}.items()
                for arg in ("-s", f"{k}={v}")]  # fmt: skip
    cmd = [sys.executable, "-m", "scrapy", "crawl", "ace", "-a", f"base_url={base_url}", *settings]
    result = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600, check=True)
    stats = _final_stats(result.stderr)
    return stats["response_received_count"] / stats["elapsed_time_seconds"], stats.get(
        "item_scraped_count", 0
    )


def scrapy_bench_rate() -> float:
    cmd = [sys.executable, "-m", "scrapy", "bench", "-s", "REMOTE_CONTROL_ENABLED=False",
           "-s", "TELNETCONSOLE_ENABLED=False"]  # fmt: skip
    with tempfile.TemporaryDirectory() as outside_project:
        result = subprocess.run(
            cmd, cwd=outside_project, capture_output=True, text=True, timeout=600, check=True
        )
    stats = _final_stats(result.stderr)
    return stats["response_received_count"] / stats["elapsed_time_seconds"]


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Crawl throughput vs scrapy bench")
    parser.add_argument("--courses", type=int, default=4545, help="course pages (4545 → 5,002 pages)")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv if argv is not None else sys.argv[1:] if __name__ == "__main__" else [])
    with tempfile.TemporaryDirectory() as tmp:
        mirror = Path(tmp) / "ace"
        pages = build_mirror(mirror, args.courses)
        port = free_port()
        server = subprocess.Popen(
            [sys.executable, "-c", SERVE, str(mirror), str(port)], stdout=subprocess.PIPE
        )
        try:
            assert server.stdout is not None and server.stdout.readline().strip() == b"ready"
            base_url = f"http://127.0.0.1:{port}"
            rates: dict[str, list[float]] = {"recert": [], "scrapy crawl ace": [], "scrapy bench": []}
            for repeat in range(args.repeats):
                rate, items = recert_rate(base_url)
                rates["recert"].append(rate)
                crawl_rate, crawl_items = scrapy_crawl_rate(base_url)
                rates["scrapy crawl ace"].append(crawl_rate)
                rates["scrapy bench"].append(scrapy_bench_rate())
                line = ", ".join(f"{name} {values[-1]:.0f}" for name, values in rates.items())
                print(f"repeat {repeat + 1}: pages/s {line} (items {items}/{crawl_items})", flush=True)
                time.sleep(1)
        finally:
            server.kill()
            server.wait()
    medians = {name: statistics.median(values) for name, values in rates.items()}
    print(f"\nmirror: {pages} pages; machine: {platform.machine()}, {platform.python_version()}")
    for name, value in medians.items():
        print(
            f"  {name:18s} median {value:7.0f} pages/s  (runs: {', '.join(f'{v:.0f}' for v in rates[name])})"
        )
    for name in ("recert", "scrapy crawl ace"):
        print(f"  {name} / scrapy bench = {medians[name] / medians['scrapy bench']:.0%}")


if __name__ == "__main__":
    main()
