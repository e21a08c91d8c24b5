"""The structured-data corpus (tests/spiders/structured_corpus/, see its README): every case's page parsed
by the spider's callback must give the records its JSON names — one test per case, course and field —
and the whole corpus served as a site on 127.0.0.1 is crawled once end to end by `recert crawl structured`.
"""

from __future__ import annotations

import functools
import subprocess
from pathlib import Path
from typing import Any

import pytest
from scrapy.http import HtmlResponse, Request

from catalog.queries import CatalogSnapshot, snapshot
from harness.structured_corpus import CORPUS, PROVIDER, build_site, expected_courses, load_cases, score
from spiders.items import Item
from spiders.mirror_server import MirrorServer
from spiders.parsers.structured import extract_nodes
from spiders.spiders.structured import StructuredSpider
from tests.spiders.conftest import FAST_FLAGS, RECERT

ROOT = Path(__file__).resolve().parents[2]
SITE = "https://corpus.example"
CASES = load_cases()
BY_NAME = {case.name: case for case in CASES}
COURSE_FIELDS = ("course_id", "hours", "price", "currency", "member_price", "format", "included_in")
#: What the provider-attributes pipeline fills in when a callback leaves a field out.
DEFAULTS = {"format": "online", "currency": "USD"}


@functools.cache
def callback_items(name: str) -> tuple[Item, ...]:
    """The items ``StructuredSpider.parse_page`` yields for a case's page, as if fetched from SITE."""
    url = f"{SITE}/cases/{name}.html"
    response = HtmlResponse(
        url=url, body=BY_NAME[name].html.read_bytes(), encoding="utf-8", request=Request(url)
    )
    return tuple(StructuredSpider(start_url=f"{SITE}/").parse_page(response))


def course_item(name: str, title: str) -> Item:
    (item,) = [i for i in callback_items(name) if i["type"] == "course" and i.get("title") == title]
    return item


def test_the_corpus_has_at_least_forty_cases_each_listed_in_the_readme() -> None:
    readme = (CORPUS / "README.md").read_text(encoding="utf-8")
    assert len(CASES) >= 40 and "synthetic" in readme
    assert [case.name for case in CASES if f"`{case.name}`" not in readme] == []


COURSE_PARAMS = [
    pytest.param(case.name, course["title"], field, id=f"{case.name}:{course['title'][:24]}:{field}")
    for case in CASES
    for course in case.expected["courses"]
    for field in COURSE_FIELDS
]


@pytest.mark.parametrize(("name", "title", "field"), COURSE_PARAMS)
def test_course_field(name: str, title: str, field: str) -> None:
    want = next(c for c in BY_NAME[name].expected["courses"] if c["title"] == title)
    item = course_item(name, title)
    if field == "currency" and want["price"] is None:
        return  # no price, no currency to compare (the pipeline sets the default)
    have = item.get(field, DEFAULTS.get(field))
    assert have == _as(have, want[field])


def test_each_page_gives_exactly_its_courses_and_offers() -> None:
    for case in CASES:
        items = callback_items(case.name)
        titles = sorted(i["title"] for i in items if i["type"] == "course")
        wanted = sorted(c["title"] for c in case.expected["courses"] + case.expected["left_out"])
        offers = sorted(i["offer_id"] for i in items if i["type"] == "offer")
        assert (case.name, titles, offers) == (
            case.name, wanted, sorted(o["offer_id"] for o in case.expected["offers"])
        )  # fmt: skip


LEFT_OUT = [
    pytest.param(case.name, c["title"], id=f"{case.name}:{c['title'][:24]}")
    for case in CASES
    for c in case.expected["left_out"]
]


@pytest.mark.parametrize(("name", "title"), LEFT_OUT)
def test_course_without_stated_study_time_has_no_hours_and_a_problem(name: str, title: str) -> None:
    item = course_item(name, title)
    assert "hours" not in item
    assert [field for field, _ in item.get("_problems", [])].count("hours") >= 1


OFFER_PARAMS = [
    pytest.param(case.name, offer["offer_id"], field, id=f"{case.name}:{offer['offer_id']}:{field}")
    for case in CASES
    for offer in case.expected["offers"]
    for field in offer
]


@pytest.mark.parametrize(("name", "offer_id", "field"), OFFER_PARAMS)
def test_subscription_offer_field(name: str, offer_id: str, field: str) -> None:
    want = next(o for o in BY_NAME[name].expected["offers"] if o["offer_id"] == offer_id)[field]
    (offer,) = [i for i in callback_items(name) if i["type"] == "offer" and i["offer_id"] == offer_id]
    assert offer.get(field) == (type(offer.get(field))(want) if want is not None else None)


@pytest.mark.parametrize("name", [case.name for case in CASES])
def test_page_problems(name: str) -> None:
    extracted = extract_nodes(BY_NAME[name].html.read_text(encoding="utf-8"), f"{SITE}/cases/{name}.html")
    assert len(extracted.problems) == BY_NAME[name].expected["page_problems"]


# --- one real crawl of the generated site, by the CLI ------------------------------------------------

Completed = subprocess.CompletedProcess[str]


@pytest.fixture(scope="module")
def crawled(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[Completed, CatalogSnapshot]:
    tmp = tmp_path_factory.mktemp("corpus")
    build_site(tmp / "site", CASES)
    catalog = tmp / "catalog.duckdb"
    with MirrorServer(tmp / "site") as server:
        result = subprocess.run(
            [RECERT, "crawl", "structured", "--start-url", f"{server.url}/", "--provider", PROVIDER,
             "--catalog", str(catalog), *FAST_FLAGS],
            cwd=ROOT, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result, snapshot(catalog)


@pytest.mark.slow
def test_crawl_publishes_every_course_with_its_fields(
    crawled: tuple[Completed, CatalogSnapshot],
) -> None:
    _, snap = crawled
    got: dict[str, dict[str, Any]] = {
        c.title: {f: getattr(c, f) for f in COURSE_FIELDS} for c in snap.courses
    }
    want = {
        title: {f: _as(got.get(title, {}).get(f), c[f]) for f in COURSE_FIELDS}
        for title, c in expected_courses(CASES).items()
    }
    for fields in want.values():
        fields["currency"] = fields["currency"] or "USD"
        fields["included_in"] = tuple(fields["included_in"] or ())
    assert got == want
    assert {c.provider for c in snap.courses} == {PROVIDER}


@pytest.mark.slow
def test_crawl_summary_counts_the_broken_blocks_and_refusals(
    crawled: tuple[Completed, CatalogSnapshot],
) -> None:
    result, snap = crawled
    pages = len(CASES) + 2  # + robots.txt and the sitemap
    records = len(snap.courses) + len(snap.offers)
    assert f"{PROVIDER} ok: {pages} pages" in result.stdout
    assert f"{records} records published" in result.stdout
    assert "structured_data 2" in result.stdout  # the two broken JSON-LD blocks


@pytest.mark.slow
def test_crawl_scores_full_marks(crawled: tuple[Completed, CatalogSnapshot]) -> None:
    _, snap = crawled
    accuracy = score(CASES, snap.courses, snap.offers)
    assert (accuracy.found, accuracy.hours_exact, accuracy.price_exact, accuracy.ids_exact) == (
        (accuracy.courses,) * 4
    )
    assert (accuracy.left_out_right, accuracy.extra_records, accuracy.offers_exact) == (
        accuracy.left_out, 0, accuracy.offers
    )  # fmt: skip


def _as(have: Any, want: Any) -> Any:
    """``want`` (JSON: strings and numbers) in the type ``have`` has, for exact comparison."""
    if want is None or have is None or isinstance(want, list):
        return want
    return type(have)(want)
