"""Real crawls of the ACE mirror on 127.0.0.1 into temporary DuckDB catalogs: exact counts and values,
suspect crawls, and faults (retries, robots.txt, stalls, truncation, malformed pages, a killed crawl)."""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from catalog.queries import last_good_run, runs, snapshot
from catalog.records import Course, Offer, parse_record, to_dict
from spiders.mirror_server import MirrorServer
from spiders.run import CrawlSummary, crawl
from tests.spiders.conftest import FAST, MIRRORS

ROOT = Path(__file__).resolve().parents[2]
VOLATILE = ("scraped_at", "source", "url", "extras", "description")


def crawl_ace(server: MirrorServer, catalog: Path | None, **settings: object) -> CrawlSummary:
    (summary,) = crawl(["ace"], catalog_path=catalog, base_url=server.url, settings={**FAST, **settings})
    return summary


def comparable(record: Course | Offer) -> dict:
    data = json.loads(json.dumps(to_dict(record)), parse_float=Decimal)
    return {k: v for k, v in data.items() if k not in VOLATILE}


def expected() -> dict[str, dict]:
    lines = (MIRRORS / "ace" / "expected.jsonl").read_text(encoding="utf-8").splitlines()
    records = [json.loads(line, parse_float=Decimal) for line in lines]
    return {r.get("course_id") or r["offer_id"]: r for r in records}


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[CrawlSummary, Path, list[str]]]:
    catalog = tmp_path_factory.mktemp("ace") / "catalog.duckdb"
    with MirrorServer(MIRRORS / "ace") as server:
        summary = crawl_ace(server, catalog)
        yield summary, catalog, list(server.requests)


def test_summary_counts(published: tuple[CrawlSummary, Path, list[str]]) -> None:
    summary, _, _ = published
    assert (summary.status, summary.reason) == ("ok", "61 records published")
    assert (summary.pages, summary.items, summary.dropped, summary.duplicates, summary.errors) == (
        72,
        61,
        2,
        1,
        0,
    )
    assert summary.problems == {"content_areas": 3, "hours": 2, "price": 1}
    assert summary.stats["recert/dropped/hours"] == 2  # the lorem-ipsum page and the "CEUs: TBD" page
    assert summary.stats["recert/loaded/inserted"] == 61


def test_catalog_holds_exactly_the_expected_records(published: tuple[CrawlSummary, Path, list[str]]) -> None:
    _, catalog, _ = published
    snap = snapshot(catalog)
    crawled = {r.course_id: comparable(r) for r in snap.courses} | {
        o.offer_id: comparable(o) for o in snap.offers
    }
    wanted = {key: comparable(parse_record(r, default_source="live")) for key, r in expected().items()}
    assert len(snap.courses) == 60 and len(snap.offers) == 1
    assert crawled == wanted


def test_field_values(published: tuple[CrawlSummary, Path, list[str]]) -> None:
    _, catalog, _ = published
    snap = snapshot(catalog)
    course = next(c for c in snap.courses if c.course_id == "venipuncture-technique-advanced-topics")
    assert (course.provider, course.title, course.format, course.source) == (
        "ace", "Venipuncture Technique: Advanced Topics", "online", "live",
    )  # fmt: skip
    assert (course.hours, course.price, course.currency) == (Decimal(2), Decimal("9.95"), "USD")
    assert dict(course.content_areas) == {"clinical": Decimal("1.5"), "general": Decimal("0.5")}
    aama = course.approval("AAMA")
    assert aama is not None and aama.credits == Decimal(2)
    assert course.included_in == ("annual-membership",)
    assert urlsplit(course.url).path == "/courses/venipuncture-technique-advanced-topics/"
    (offer,) = snap.offers
    assert (offer.offer_id, offer.kind, offer.price, offer.period_months) == (
        "annual-membership", "subscription", Decimal("29.95"), 12,
    )  # fmt: skip
    title = next(c.title for c in snap.courses if c.course_id == "patient-education")
    assert title == "Coding & Billing — Café Clinics’ ICD-10 Guide"


def test_robots_txt_is_obeyed(published: tuple[CrawlSummary, Path, list[str]]) -> None:
    summary, _, requests = published
    assert requests[0] == "/robots.txt"
    assert not [r for r in requests if r.startswith(("/members/", "/wp-admin/"))]
    assert summary.stats["robotstxt/response_status_count/200"] == 1


def test_a_second_crawl_changes_nothing(
    published: tuple[CrawlSummary, Path, list[str]], ace_mirror: MirrorServer, tmp_path: Path
) -> None:
    catalog = tmp_path / "catalog.duckdb"
    shutil.copy(published[1], catalog)
    summary = crawl_ace(ace_mirror, catalog)
    assert summary.status == "ok"
    # Another port means another URL (an update); nothing is new and no price moved.
    assert summary.stats["recert/loaded/inserted"] == 0
    assert summary.stats["recert/loaded/price_changes"] == 0
    assert summary.stats["recert/loaded/updated"] + summary.stats["recert/loaded/unchanged"] == 61


@pytest.fixture
def previous_catalog(published: tuple[CrawlSummary, Path, list[str]], tmp_path: Path) -> Path:
    catalog = tmp_path / "catalog.duckdb"
    shutil.copy(published[1], catalog)
    return catalog


def test_zero_items_is_suspect_and_keeps_previous_listings(
    ace_mirror: MirrorServer, previous_catalog: Path
) -> None:
    ace_mirror.faults.robots_txt = "User-agent: *\nDisallow: /courses/\nDisallow: /membership/\n"
    summary = crawl_ace(ace_mirror, previous_catalog)
    assert (summary.status, summary.ok) == ("suspect", False)
    assert summary.reason == "the crawl yielded no items; previous listings kept"
    assert len(snapshot(previous_catalog).courses) == 60
    assert runs(previous_catalog)[0].status == "suspect"
    assert last_good_run(previous_catalog, "ace") is not None


def test_under_half_of_the_last_good_run_is_suspect(
    serve_mirror: Callable[[str | Path], MirrorServer], ace_copy: Path, previous_catalog: Path
) -> None:
    shutil.rmtree(ace_copy / "courses" / "page")  # only the first catalog page is left
    summary = crawl_ace(serve_mirror(ace_copy), previous_catalog)
    assert summary.status == "suspect"
    assert summary.items == 11  # the first page's 10 courses and the membership
    assert "under 50% of the last good run's 61" in summary.reason
    assert len(snapshot(previous_catalog).courses) == 60


def test_server_errors_are_retried_until_they_recover(ace_mirror: MirrorServer) -> None:
    ace_mirror.faults.fail_first = {"/courses/page/2/": 2, "/courses/team-communication/": 3}
    summary = crawl_ace(ace_mirror, None)
    assert (summary.status, summary.items, summary.errors) == ("dry_run", 61, 0)
    assert summary.stats["retry/count"] == 5
    assert ace_mirror.requests.count("/courses/team-communication/") == 4


def test_disallowed_pages_are_never_fetched(ace_mirror: MirrorServer) -> None:
    ace_mirror.faults.robots_txt = "User-agent: *\nDisallow: /courses/team-communication/\n"
    summary = crawl_ace(ace_mirror, None)
    assert "/courses/team-communication/" not in ace_mirror.requests
    assert summary.stats["robotstxt/forbidden"] == 1
    assert summary.items == 60


def test_a_stalled_page_times_out_and_the_crawl_goes_on(ace_mirror: MirrorServer) -> None:
    ace_mirror.faults.stall = {"/courses/team-communication/": 30}
    summary = crawl_ace(ace_mirror, None, DOWNLOAD_TIMEOUT=1, RETRY_TIMES=1)
    assert summary.items == 60
    assert summary.errors == 1
    assert summary.stats["retry/max_reached"] == 1


def test_a_truncated_page_is_an_error_not_an_item(ace_mirror: MirrorServer) -> None:
    ace_mirror.faults.truncate = {"/courses/team-communication/": 400}
    summary = crawl_ace(ace_mirror, None, RETRY_TIMES=1)
    assert summary.items == 60
    assert summary.errors == 1


def test_malformed_pages_are_counted_and_skipped(
    serve_mirror: Callable[[str | Path], MirrorServer], ace_copy: Path
) -> None:
    (ace_copy / "courses" / "team-communication" / "index.html").write_bytes(b"\x00\xff<html><h1>Team")
    (ace_copy / "courses" / "health-literacy" / "index.html").write_text("<html><body><p>", encoding="utf-8")
    summary = crawl_ace(serve_mirror(ace_copy), None)
    assert summary.items == 59
    assert summary.dropped == 4
    assert summary.problems["hours"] == 4  # two odd pages of the mirror + the two broken ones


KILL_SCRIPT = """
import sys
from spiders.run import crawl
crawl(["ace"], catalog_path=sys.argv[1], base_url=sys.argv[2], settings={
    "DOWNLOAD_DELAY": 0, "AUTOTHROTTLE_ENABLED": False, "DOWNLOAD_TIMEOUT": 120, "LOG_LEVEL": "ERROR"})
"""


@pytest.mark.slow
def test_a_crawl_killed_midway_leaves_the_previous_catalog_intact(
    ace_mirror: MirrorServer, previous_catalog: Path
) -> None:
    before = snapshot(previous_catalog)
    ace_mirror.faults.stall = {"/courses/page/3/": 120}
    child = subprocess.Popen(
        [sys.executable, "-c", KILL_SCRIPT, str(previous_catalog), ace_mirror.url],
        cwd=ROOT,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while "/courses/page/3/" not in ace_mirror.requests and time.monotonic() < deadline:
            time.sleep(0.1)
        assert "/courses/page/3/" in ace_mirror.requests, "the crawl never got midway"
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == -signal.SIGKILL
    after = snapshot(previous_catalog)
    assert after.courses == before.courses and after.offers == before.offers
    ace_mirror.reset()
    summary = crawl_ace(ace_mirror, previous_catalog)
    assert summary.status == "ok"  # the next crawl can publish: no lock or stray copy left behind
