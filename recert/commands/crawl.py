"""`recert crawl`: run provider spiders in-process and publish their courses to the catalog."""

from __future__ import annotations

import logging
from typing import Annotated, Any

import typer
from rich.logging import RichHandler

from catalog.text import plural
from recert.console import EXIT_BAD_INPUT, CatalogOption, catalog_path, console, err_console, fail

STRUCTURED = "structured"


def _settings(pairs: list[str]) -> dict[str, Any]:
    settings: dict[str, Any] = {}
    for pair in pairs:
        key, eq, value = pair.partition("=")
        if not eq or not key.strip():
            fail(f"--set expects NAME=VALUE, got {pair!r}", EXIT_BAD_INPUT)
        settings[key.strip()] = value
    return settings


def _log_through_rich(level: str) -> None:
    """Scrapy's warnings (field problems, retries given up) on stderr, above the progress bars; network
    failures as one line per host, without a traceback."""
    from spiders.run import OneLinePerHost

    handler = RichHandler(console=err_console, show_path=False, show_time=False, markup=False)
    handler.addFilter(OneLinePerHost())
    root = logging.getLogger()
    if not any(isinstance(h, RichHandler) for h in root.handlers):
        root.addHandler(handler)
    root.setLevel(level.upper() if level.upper() in logging.getLevelNamesMapping() else logging.WARNING)


def _summary_line(summary: Any) -> str:
    colour = "green" if summary.ok else "red"
    problems = ", ".join(f"{field} {n}" for field, n in sorted(summary.problems.items()))
    return (
        f"[bold]{summary.provider}[/] [{colour}]{summary.status}[/]: {plural(summary.pages, 'page')}"
        f" · {plural(summary.items, 'item')}"
        f" · {summary.dropped} dropped · {plural(summary.duplicates, 'duplicate')}"
        f" · {plural(summary.problem_count, 'field problem')}{f' ({problems})' if problems else ''}"
        f" · {plural(summary.errors, 'error')} · {summary.seconds:.1f} s — {summary.reason}"
    )


def crawl_command(
    providers: Annotated[
        list[str] | None,
        typer.Argument(help="Providers to crawl (spider names; default: all except 'structured')."),
    ] = None,
    base_url: Annotated[
        str | None,
        typer.Option("--base-url", help="Crawl this host instead of the real site (e.g. a mirror)."),
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Crawl and check, but publish nothing.")] = False,
    start_url: Annotated[
        str | None, typer.Option("--start-url", help="For 'structured': the page (or site) to start from.")
    ] = None,
    provider: Annotated[
        str | None,
        typer.Option("--provider", help="For 'structured': the provider id to file courses under."),
    ] = None,
    setting: Annotated[
        list[str] | None, typer.Option("--set", help="Override a Scrapy setting, NAME=VALUE (repeatable).")
    ] = None,
    catalog: CatalogOption = None,
) -> None:
    """Crawl provider sites and publish their courses to the catalog (one atomic update per provider).

    A crawl that yields no items, or under half of the provider's last good run, is suspect: nothing is
    published and the previous listings stay. Exit 1 when any spider fails or is suspect.
    """
    from spiders.run import crawl, crawl_progress, spider_names

    known = spider_names()
    names = list(providers or [n for n in known if n != STRUCTURED])
    unknown = [n for n in names if n not in known]
    if unknown:
        fail(f"unknown provider(s): {', '.join(unknown)} (known: {', '.join(known)})", EXIT_BAD_INPUT)
    spider_kwargs: dict[str, Any] = {}
    if STRUCTURED in names:
        if not start_url:
            fail("crawl structured needs --start-url URL", EXIT_BAD_INPUT)
        if len(names) > 1:
            fail("crawl structured runs alone (one site per --start-url)", EXIT_BAD_INPUT)
        spider_kwargs = {"start_url": start_url, **({"provider": provider} if provider else {})}
    elif start_url or provider:
        fail("--start-url and --provider go with 'recert crawl structured'", EXIT_BAD_INPUT)
    if base_url and not base_url.startswith(("http://", "https://")):
        fail(f"--base-url must be an http(s) URL, got {base_url!r}", EXIT_BAD_INPUT)
    path = catalog_path(catalog)
    overrides = _settings(setting or [])
    _log_through_rich(str(overrides.get("LOG_LEVEL", "WARNING")))
    with crawl_progress(err_console) as progress:
        summaries = crawl(
            names, catalog_path=None if dry_run else path, base_url=base_url, dry_run=dry_run,
            progress=progress, settings=overrides, spider_kwargs=spider_kwargs,
        )  # fmt: skip
    for summary in summaries:
        console.print(_summary_line(summary), soft_wrap=True)
    failed = [s.provider for s in summaries if not s.ok]
    if failed:
        fail(f"crawl failed or suspect for {', '.join(failed)}; previous listings kept")


def register(app: typer.Typer) -> None:
    """Add `recert crawl` to the app."""
    app.command("crawl")(crawl_command)
