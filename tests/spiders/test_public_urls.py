"""RECERT_PUBLIC_URLS: a crawl of a mirror stores the provider's public URL shapes, not loopback addresses."""

from __future__ import annotations

import pytest
from scrapy.utils.test import get_crawler

from spiders.items import course_item
from spiders.pipelines.normalise import NormalisePipeline
from spiders.run import crawl_settings
from tests.spiders.test_framework import ExampleSpider

MIRROR = "http://127.0.0.1:40123"


def normalised_url(url: str, *, public_urls: bool, **spider_kwargs: str) -> str:
    settings = crawl_settings({"RECERT_PUBLIC_URLS": public_urls}).copy_to_dict()
    crawler = get_crawler(ExampleSpider, settings)
    crawler.spider = crawler._create_spider(base_url=MIRROR, **spider_kwargs)
    item = course_item(course_id="c1", title="Vital Signs", url=url)
    return NormalisePipeline.from_crawler(crawler).process_item(item)["url"]


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (f"{MIRROR}/courses/c1/?utm_source=x", "https://example.org/courses/c1/"),
        (MIRROR, "https://example.org"),
        ("https://elsewhere.org/c1", "https://elsewhere.org/c1"),  # off-site links stay as they are
        ("http://127.0.0.1:4012/x", "http://127.0.0.1:4012/x"),  # another server is not the mirror
    ],
)
def test_mirror_urls_are_rerooted_on_the_public_site(url: str, expected: str) -> None:
    assert normalised_url(url, public_urls=True) == expected


def test_urls_are_kept_when_the_setting_is_off() -> None:
    assert normalised_url(f"{MIRROR}/c1", public_urls=False) == f"{MIRROR}/c1"


def test_an_explicit_public_base_wins_over_the_real_site() -> None:
    url = normalised_url(f"{MIRROR}/c1", public_urls=True, public_base_url="https://hub.example")
    assert url == "https://hub.example/c1"


def test_public_base_must_be_http() -> None:
    with pytest.raises(ValueError, match="public_base_url"):
        normalised_url(f"{MIRROR}/c1", public_urls=True, public_base_url="ftp://hub.example")
