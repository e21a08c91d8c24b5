"""`recert sample`: build the bundled sample catalog offline by crawling Recert's synthetic mirrors.

Each provider's mirror (data/mirrors/<provider>/) is served on 127.0.0.1 and crawled by the real spider and
pipeline chain, exactly as a live crawl would be, with every record marked ``source: sample``. Providers
with a spider of their own use it; the others are crawled by the generic ``structured`` spider. The catalog
is built in a private file next to the target and moved into place only when every crawl succeeded.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path
from typing import Annotated, Any

import typer

from recert.console import (
    EXIT_BAD_INPUT,
    CatalogOption,
    catalog_path,
    console,
    err_console,
    fail,
    sample_notice,
)

MIRRORS = Path(__file__).resolve().parents[2] / "data" / "mirrors"
#: Providers with their own spider (spider name = provider id = mirror directory).
SPIDER_MIRRORS: tuple[str, ...] = ("ace", "aama", "relias")
#: Providers crawled by the `structured` spider: provider id → (start path on its mirror, public site).
#: MA CEU Hub is fictional, so its public URLs use the reserved .example domain.
STRUCTURED_MIRRORS: dict[str, tuple[str, str]] = {"ma_ceu_hub": ("/", "https://ma-ceu-hub.example")}
#: The mirrors are our own loopback servers: no politeness delays (robots.txt is still obeyed).
LOOPBACK_SETTINGS: dict[str, Any] = {
    "DOWNLOAD_DELAY": 0,
    "AUTOTHROTTLE_ENABLED": False,
    "CONCURRENT_REQUESTS_PER_DOMAIN": 8,
    "RETRY_BACKOFF_BASE": 0,
    "LOG_LEVEL": "ERROR",
    # Records link to the providers' real URL shapes, not to a loopback server with a random port.
    "RECERT_PUBLIC_URLS": True,
}


def sample_command(
    catalog: CatalogOption = None,
    mirrors: Annotated[
        Path | None,
        typer.Option("--mirrors", help="Directory of provider mirrors (default: the bundled ones)."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace a catalog that holds live or imported records.")
    ] = False,
) -> None:
    """Build the sample catalog offline by crawling the bundled synthetic mirrors (records: source sample).

    Replaces an existing sample catalog; refuses to replace one with live or imported records unless --force.
    """
    from catalog.db import check_catalog_file, published_file

    target = catalog_path(catalog)
    published = published_file(target)  # a symlinked catalog: build beside its target, replace that
    root = mirrors or MIRRORS
    missing = [name for name in (*SPIDER_MIRRORS, *STRUCTURED_MIRRORS) if not (root / name).is_dir()]
    if missing:
        fail(f"no mirror for {', '.join(missing)} in {root}", EXIT_BAD_INPUT)
    if check_catalog_file(
        published, shown=target
    ):  # a directory or a foreign file: refused, even with --force
        _refuse_real_data(target, force=force)
    published.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_workdirs(published.parent)
    with tempfile.TemporaryDirectory(
        prefix=f"{WORKDIR_PREFIX}{os.getpid()}-", dir=published.parent
    ) as workdir:
        building = Path(workdir) / published.name
        summaries = build_sample(building, root)
        failed = [s for s in summaries if not s.ok]
        if failed:
            fail("; ".join(f"{s.provider} {s.status}: {s.reason}" for s in failed))
        os.replace(building, published)
    _report(target, summaries)
    _infer_areas(target)


WORKDIR_PREFIX = ".sample-"


def remove_stale_workdirs(directory: Path) -> None:
    """Delete the work folders (``.sample-<pid>-…``) that sample builds killed before they could clean
    up left in ``directory``; a folder whose process still runs is kept."""
    for stale in directory.glob(f"{WORKDIR_PREFIX}*"):
        pid = stale.name.removeprefix(WORKDIR_PREFIX).split("-", 1)[0]
        if stale.is_dir() and not (pid.isdigit() and _running(int(pid))):
            shutil.rmtree(stale, ignore_errors=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _infer_areas(target: Path) -> None:
    """Train the content-area model on the new catalog and store its sure guesses for unlabelled courses
    (table inferred_area, kept apart from provider-stated areas), so plans that allow them can use them."""
    from recert.areas import infer_areas

    with err_console.status("Inferring content areas for courses whose provider states none"):
        summary = infer_areas(target)
    console.print(
        f"Content areas inferred for {summary.inferred} courses ({summary.unsure} left unsure; "
        f"model {summary.model_version}); they are marked as inferred wherever they are shown."
    )


def build_sample(catalog: Path, mirrors: Path, *, progress: bool = True) -> list[Any]:
    """Serve every mirror on 127.0.0.1 and crawl it into ``catalog``; one CrawlSummary per provider."""
    from spiders.run import crawl, crawl_progress

    with ExitStack() as stack:
        names = (*SPIDER_MIRRORS, *STRUCTURED_MIRRORS)
        urls = {name: stack.enter_context(_served(mirrors / name)) for name in names}
        bar = stack.enter_context(crawl_progress(err_console)) if progress else None
        common: dict[str, Any] = {"catalog_path": catalog, "source": "sample", "settings": LOOPBACK_SETTINGS}
        summaries = crawl(
            SPIDER_MIRRORS, base_url={n: urls[n] for n in SPIDER_MIRRORS}, progress=bar, **common
        )
        for provider, (start, public) in STRUCTURED_MIRRORS.items():
            kwargs = {"start_url": urls[provider] + start, "provider": provider, "public_base_url": public}
            summaries += crawl(["structured"], spider_kwargs=kwargs, progress=bar, **common)
    return summaries


@contextmanager
def _served(directory: Path) -> Iterator[str]:
    from spiders.mirror_server import MirrorServer

    with MirrorServer(directory) as server:
        yield server.url


def _refuse_real_data(target: Path, *, force: bool) -> None:
    """Fail unless ``target`` (an existing DuckDB file) is a Recert catalog the sample may replace: never a
    foreign database; with --force also one holding live or imported records, or an older catalog."""
    from catalog.db import CatalogOutdated
    from catalog.queries import stats

    try:
        sources = stats(target)["sources"]
    except CatalogOutdated as exc:
        if force:
            return
        fail(f"{exc}; or use --force to replace it with the sample", EXIT_BAD_INPUT)
    if force:
        return
    real = sources.get("live", 0) + sources.get("import", 0)
    if real:
        fail(
            f"{target} holds {real} live or imported records; use another --catalog or --force to replace it",
            EXIT_BAD_INPUT,
        )


def _report(target: Path, summaries: list[Any]) -> None:
    from catalog.queries import stats

    total = stats(target)
    by_provider = {p["provider"]: p for p in total["providers"]}
    for summary in summaries:
        name = (
            summary.stats.get("recert/provider") or summary.provider
        )  # `structured` files under its provider
        counts = by_provider.get(name, {})
        console.print(
            f"[bold]{name}[/]: {counts.get('courses', 0)} courses, {counts.get('offers', 0)} offers "
            f"({summary.pages} pages, {summary.problem_count} field problems, {summary.seconds:.1f} s)"
        )
    console.print(f"Sample catalog {target}: {total['courses']} courses and {total['offers']} offers.")
    sample_notice()


def register(app: typer.Typer) -> None:
    """Add `recert sample` to the app."""
    app.command("sample")(sample_command)
