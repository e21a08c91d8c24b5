"""Run spiders in-process: ``crawl(["ace"], catalog_path=…)`` → one CrawlSummary per provider.

Crawls run one provider after another on Scrapy's reactorless engine (``TWISTED_REACTOR_ENABLED=False``,
``AsyncCrawlerRunner``) inside ``asyncio.run`` on a worker thread. That makes ``crawl`` callable any number
of times from one process — the CLI, ``recert sample``, the Streamlit app, tests — with no
``ReactorNotRestartable`` and no clash with an event loop the caller is already running. Each provider's
crawl publishes its records atomically through the catalog-writer pipeline (or is marked suspect).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import socket
import ssl
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn
from scrapy import Spider, signals
from scrapy.crawler import AsyncCrawlerRunner, Crawler
from scrapy.settings import Settings
from scrapy.spiderloader import SpiderLoader

from catalog.text import plural
from spiders.pipelines.catalog_writer import DRY_RUN, FAILED, OK, SUSPECT
from spiders.pipelines.validate import DROPPED_STAT, PROBLEM_STAT


class _QuietExperimentalHandler(logging.Filter):
    """Drop the one-line "AiohttpDownloadHandler is experimental" notice: reactorless crawling is a deliberate
    choice here (see the module docstring and docs/spiders.md), and the notice would print on every crawl."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "is experimental and is not recommended" not in record.getMessage()


logging.getLogger("scrapy.core.downloader.handlers._base_streaming").addFilter(_QuietExperimentalHandler())


class OneLinePerHost(logging.Filter):
    """Network failures (connection refused, DNS, TLS, time-outs) as one line per host, without a
    traceback: "cannot reach 127.0.0.1:9: connection refused". Scrapy logs each failed request several
    times (each retry given up, the download error with its traceback, the robots.txt middleware); the
    first record for a host is rewritten, the others for it are dropped. Other records pass unchanged."""

    def __init__(self) -> None:
        super().__init__()
        self.reported: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        failure = _network_failure(record)
        if failure is None:
            return True
        host, reason = failure
        if host in self.reported:
            return False
        self.reported.add(host)
        record.msg, record.args, record.exc_info, record.exc_text = (
            f"cannot reach {host}: {reason}",
            (),
            None,
            None,
        )
        return True


def _network_failure(record: logging.LogRecord) -> tuple[str, str] | None:
    """(host, reason in words) when the record reports a request that failed on the network."""
    args = record.args if isinstance(record.args, Mapping) else {}
    request = args.get("request")
    url = getattr(request, "url", None)
    if not isinstance(url, str):
        return None
    candidates: list[object] = [args.get("reason"), args.get("f_exception"), args.get("exception")]
    if record.exc_info and record.exc_info[1] is not None:
        candidates.append(record.exc_info[1])
    for candidate in candidates:
        reason = _network_reason(getattr(candidate, "value", candidate))  # a twisted Failure's exception
        if reason is not None:
            return urlsplit(url).netloc or url, reason
    return None


def _network_reason(exc: object) -> str | None:
    """Words for a network exception (following its causes), None for anything else."""
    seen = 0
    while isinstance(exc, BaseException) and seen < 10:
        name = type(exc).__name__
        if isinstance(exc, ssl.SSLError) or "SSL" in name or "Certificate" in name:
            return "TLS handshake failed"
        if isinstance(exc, ConnectionRefusedError) or name in (
            "DownloadConnectionRefusedError",
            "ConnectionRefusedError",
        ):
            return "connection refused"
        if isinstance(exc, socket.gaierror) or name in ("CannotResolveHostError", "DNSLookupError"):
            return "host name not found (DNS)"
        if isinstance(exc, TimeoutError) or name in (
            "DownloadTimeoutError",
            "TimeoutError",
            "TCPTimedOutError",
        ):
            return "timed out"
        if name in ("DownloadFailedError", "ConnectionLost", "ResponseNeverReceived", "ConnectError"):
            cause = exc.__cause__ or exc.__context__
            return _network_reason(cause) or "the connection failed"
        exc = exc.__cause__ or exc.__context__
        seen += 1
    return None


__all__ = [
    "DRY_RUN", "FAILED", "OK", "SUSPECT", "CrawlSummary", "OneLinePerHost", "crawl", "crawl_settings",
    "spider_names",
]  # fmt: skip

#: Settings every in-process crawl uses, whatever the profile.
IN_PROCESS: dict[str, Any] = {
    "TWISTED_REACTOR_ENABLED": False,
    "REMOTE_CONTROL_ENABLED": False,
    "TELNETCONSOLE_ENABLED": False,
}


@dataclass
class CrawlSummary:
    """What one provider's crawl did. ``status``: ok, dry_run, suspect or failed; ``reason`` in words."""

    provider: str
    status: str
    reason: str
    pages: int = 0
    items: int = 0
    dropped: int = 0
    duplicates: int = 0
    errors: int = 0
    problems: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0
    stats: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True unless the crawl failed or is suspect (those make `recert crawl` exit non-zero)."""
        return self.status in (OK, DRY_RUN)

    @property
    def problem_count(self) -> int:
        return sum(self.problems.values())


def crawl_settings(overrides: Mapping[str, Any] | None = None) -> Settings:
    """The project settings (spiders/settings.py) + in-process essentials + ``overrides``."""
    settings = Settings()
    settings.setmodule("spiders.settings", priority="project")
    settings.update(IN_PROCESS, priority="cmdline")
    if overrides:
        settings.update(dict(overrides), priority="cmdline")
    return settings


def spider_names() -> list[str]:
    """Names of all spiders (= provider ids), sorted."""
    return sorted(SpiderLoader.from_settings(crawl_settings()).list())


def crawl(
    provider_names: Sequence[str],
    *,
    catalog_path: Path | str | None,
    base_url: str | Mapping[str, str] | None = None,
    source: str = "live",
    dry_run: bool = False,
    progress: Progress | None = None,
    settings: Mapping[str, Any] | None = None,
    spider_kwargs: Mapping[str, Any] | None = None,
) -> list[CrawlSummary]:
    """Crawl each provider in turn and publish to ``catalog_path`` (None or ``dry_run``: publish nothing).

    ``base_url`` points spiders at a mirror (one URL for all, or provider → URL); ``source`` is the
    records' source ("live" or "sample"); ``progress`` gets one task per provider counting pages, with
    ``items`` and ``problems`` fields; ``settings`` overrides Scrapy settings (tests turn politeness off);
    ``spider_kwargs`` go to every spider (e.g. ``start_url`` for the structured spider). Unknown provider
    names raise KeyError before anything is crawled.
    """
    overrides = {
        "RECERT_CATALOG": str(catalog_path) if catalog_path is not None else None,
        "RECERT_DRY_RUN": dry_run,
        "RECERT_SOURCE": source,
        **(settings or {}),
    }
    project = crawl_settings(overrides)
    loader = SpiderLoader.from_settings(project)
    classes = {name: loader.load(name) for name in provider_names}  # KeyError on an unknown name

    async def run_all() -> list[CrawlSummary]:
        summaries = []
        for name, spidercls in classes.items():
            kwargs = dict(spider_kwargs or {})
            url = base_url.get(name) if isinstance(base_url, Mapping) else base_url
            if url:
                kwargs["base_url"] = url
            summaries.append(await _crawl_one(project, spidercls, kwargs, progress))
        return summaries

    with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="crawl") as pool:
        return pool.submit(asyncio.run, run_all()).result()


def crawl_progress(console: Console) -> Progress:
    """The progress display ``crawl`` expects: one line per provider with pages, items and problems."""
    return Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[counts]}"),
        TimeElapsedColumn(),
        console=console,
    )


def progress_counts(pages: int, items: int, problems: int) -> str:
    """A crawl's progress line: "72 pages · 61 items · 1 problem"."""
    return " · ".join((plural(pages, "page"), plural(items, "item"), plural(problems, "problem")))


class _Counter:
    """Signal receivers for one crawl (bound methods of a live object: Scrapy holds weak references)."""

    def __init__(self, crawler: Crawler, progress: Progress | None, task: TaskID | None):
        self.crawler, self.progress, self.task = crawler, progress, task
        self.pages = self.items = 0
        crawler.signals.connect(self.on_response, signal=signals.response_received)
        crawler.signals.connect(self.on_item, signal=signals.item_scraped)

    def on_response(self, **_: Any) -> None:
        self.pages += 1
        self._update()

    def on_item(self, **_: Any) -> None:
        self.items += 1
        self._update()

    def _update(self) -> None:
        if self.progress is None or self.task is None:
            return
        stats = self.crawler.stats.get_stats() if self.crawler.stats else {}
        problems = sum(v for k, v in stats.items() if k.startswith(PROBLEM_STAT))
        self.progress.update(
            self.task, completed=self.pages, counts=progress_counts(self.pages, self.items, problems)
        )


async def _crawl_one(
    project: Settings, spidercls: type[Spider], kwargs: dict[str, Any], progress: Progress | None
) -> CrawlSummary:
    name = spidercls.name
    runner = AsyncCrawlerRunner(project)
    crawler = runner.create_crawler(spidercls)
    label = str(kwargs.get("provider") or name)  # the structured spider crawls for a named provider
    task = (
        progress.add_task(label, total=None, counts=progress_counts(0, 0, 0))
        if progress is not None
        else None
    )
    counter = _Counter(crawler, progress, task)
    started = time.monotonic()
    try:
        await runner.crawl(crawler, **kwargs)
    except Exception as exc:  # a spider that cannot start (bad base_url, import error) fails alone
        return CrawlSummary(name, FAILED, f"{type(exc).__name__}: {exc}", seconds=time.monotonic() - started)
    finally:
        if progress is not None and task is not None:
            progress.update(task, total=counter.pages, completed=counter.pages)
    stats = dict(crawler.stats.get_stats()) if crawler.stats else {}
    return _summary(stats.get("recert/provider") or name, stats, counter, time.monotonic() - started)


def _summary(name: str, stats: dict[str, Any], counter: _Counter, seconds: float) -> CrawlSummary:
    status = stats.get("recert/status") or FAILED
    reason = stats.get("recert/reason") or f"the crawl ended without a result ({stats.get('finish_reason')})"
    # Requests that ended in an error: retries given up, callback exceptions, HTTP errors not retried.
    errors = (
        stats.get("retry/max_reached", 0)
        + stats.get("spider_exceptions/count", 0)
        + stats.get("httperror/response_ignored_count", 0)
    )
    return CrawlSummary(
        provider=name,
        status=status,
        reason=reason,
        pages=counter.pages,
        items=counter.items,
        dropped=sum(v for k, v in stats.items() if k.startswith(DROPPED_STAT)),
        duplicates=stats.get("recert/duplicates", 0),
        errors=errors,
        problems={k.removeprefix(PROBLEM_STAT): v for k, v in stats.items() if k.startswith(PROBLEM_STAT)},
        seconds=seconds,
        stats=stats,
    )
