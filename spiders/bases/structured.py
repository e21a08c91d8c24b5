"""StructuredDataSpider: courses from schema.org Course / CourseInstance / Offer data (JSON-LD and
microdata, read by extruct), for any site that publishes it.

Discovery: the site's ``/sitemap.xml`` (sitemap indexes followed) when there is one; else the start page
and the links on it that stay on the same host. Field mapping: ``name`` → title; ``courseCode`` /
``identifier`` / ``sku`` → course_id (else the URL's last path segment); ``timeRequired`` /
``courseWorkload`` (ISO 8601, on the Course or a CourseInstance) → hours; ``numberOfCredits`` /
``educationalCredentialAwarded`` → credits (and hours when no duration is given); ``offers`` → price
and member price; ``courseMode`` → format; ``about`` → content area.

Hooks for provider specifics: override :meth:`post_process_course` (called with the item, the schema.org
node and the response) or :meth:`course_urls` (which sitemap URLs are course pages).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any

import scrapy
from scrapy.http import Response
from scrapy.utils.sitemap import Sitemap

from spiders.bases.provider import ProviderSpider
from spiders.items import Item
from spiders.parsers import Unparseable
from spiders.parsers.areas import area_of
from spiders.parsers.credits import duration_hours
from spiders.parsers.prices import parse_price
from spiders.parsers.structured import course_fields, course_nodes, extract_nodes
from spiders.parsers.urls import is_http_url, same_host

MODES: dict[str, str] = {
    "online": "online", "onlineonly": "online", "distancelearning": "online", "self-paced": "online",
    "blended": "online", "synchronous": "live", "live": "live", "webinar": "live",
    "onsite": "in_person", "in person": "in_person", "in-person": "in_person", "inperson": "in_person",
    "offline": "in_person", "conference": "conference",
}  # fmt: skip
NOT_FOUND = (404, 410)


class StructuredDataSpider(ProviderSpider):
    """Base spider for sites with schema.org course data; see the module docstring."""

    sitemap_path = "/sitemap.xml"
    #: Where to start when there is no sitemap (relative to the base URL).
    start_page = "/"

    async def start(self) -> AsyncIterator[scrapy.Request]:
        yield scrapy.Request(
            self.url(self.sitemap_path),
            callback=self.parse_sitemap,
            errback=self.no_sitemap,
            meta={"handle_httpstatus_list": list(NOT_FOUND)},
        )

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        return self.parse_sitemap(response)

    def start_requests_without_sitemap(self) -> Iterator[scrapy.Request]:
        yield scrapy.Request(self.url(self.start_page), callback=self.parse_start_page)

    def no_sitemap(self, failure: Any) -> Iterator[scrapy.Request]:
        self.logger.info("no sitemap (%s): crawling the start page's links", failure.value)
        yield from self.start_requests_without_sitemap()

    def parse_sitemap(self, response: Response) -> Iterator[Any]:
        """Follow a sitemap (or sitemap index); without one, fall back to the start page's links."""
        try:
            sitemap = Sitemap(response.body) if response.status not in NOT_FOUND else None
        except Exception:  # not XML: a soft 404 page, an HTML error page
            sitemap = None
        if sitemap is None or sitemap.type not in ("urlset", "sitemapindex"):
            yield from self.start_requests_without_sitemap()
            return
        for entry in sitemap:
            loc = response.urljoin(entry.get("loc", "").strip())
            if not is_http_url(loc) or not same_host(loc, response.url):
                continue
            if sitemap.type == "sitemapindex":
                yield scrapy.Request(loc, callback=self.parse_sitemap)
            elif self.course_urls(loc):
                yield scrapy.Request(loc, callback=self.parse_page)

    def course_urls(self, url: str) -> bool:
        """Whether a sitemap URL may be a course page (all of them, unless a provider narrows it)."""
        return True

    def parse_start_page(self, response: Response) -> Iterator[Any]:
        yield from self.parse_page(response)
        for href in response.css("a::attr(href)").getall():
            url = response.urljoin(href)
            if is_http_url(url) and same_host(url, response.url):
                yield scrapy.Request(url, callback=self.parse_page)

    def parse_page(self, response: Response) -> Iterator[Item]:
        """Every schema.org Course on a page, as course items."""
        if not hasattr(response, "text"):
            return
        for node in course_nodes(extract_nodes(response.text, response.url)):
            item = self.course_from_node(node, response)
            self.post_process_course(item, node, response)
            yield item

    def post_process_course(self, item: Item, node: Mapping[str, Any], response: Response) -> None:
        """Hook: adjust an item with provider specifics (default: nothing)."""

    def course_from_node(self, node: Mapping[str, Any], response: Response) -> Item:
        fields = course_fields(node)
        url = response.urljoin(fields["url"]) if fields["url"] else response.url
        url = url if same_host(url, response.url) else response.url
        course_id = fields["course_id"] or _slug(url)
        item = self.course(response, url=url, course_id=course_id, title=fields["title"],
                           description=fields["description"])  # fmt: skip
        self._hours(item, fields)
        self._offers(item, fields["offers"])
        mode = (fields["mode"] or "").strip().lower()
        if mode:
            item["format"] = MODES.get(mode.rsplit("/", 1)[-1], self.default_format)
        area = area_of(fields["area"])
        if area and item.get("hours"):
            item["content_areas"] = {area: item["hours"]}
        return item

    def _hours(self, item: Item, fields: Mapping[str, Any]) -> None:
        if fields["duration"]:
            try:
                item["hours"] = duration_hours(fields["duration"])
            except Unparseable as exc:
                item.setdefault("_problems", []).append(("hours", str(exc)))
        credit_text = fields["credential"] or fields["credits"]
        if credit_text is None:
            if "hours" not in item:
                item.setdefault("_problems", []).append(
                    ("hours", "no timeRequired, courseWorkload or credits")
                )
            return
        hours_before = item.get("hours")
        credits = self.credits(item, credit_text)
        if hours_before is not None:
            item["hours"] = hours_before  # a stated duration wins over a unit conversion
        if credits is not None and credits.body:
            # "2 AAMA CEUs (Clinical)": an approval in the body's own unit, as printed.
            approval: dict[str, Any] = {"body": credits.body, "credits": credits.amount}
            if credits.area:
                approval["categories"] = {credits.area: credits.amount}
            item["approvals"] = [approval]

    def _offers(self, item: Item, offers: list[Mapping[str, Any]]) -> None:
        for offer in offers:
            if offer.get("price") is None:
                continue
            label = f"{offer.get('name') or ''} {offer.get('category') or ''}".lower()
            text = f"{offer['price']} {offer.get('currency') or ''}".strip()
            currency = offer.get("currency") or self.default_currency
            price = self.parse_field(item, "price", parse_price, text, default_currency=currency)
            if price is None or price.amount is None:
                continue
            if "member" in label and "non" not in label:
                item["member_price"] = price.amount
            else:
                item.setdefault("price", price.amount)
            item["currency"] = price.currency


def _slug(url: str) -> str:
    """The last path segment without a page extension: ".../hipaa-basics.html" → "hipaa-basics"."""
    last = url.split("?", 1)[0].split("#", 1)[0].rstrip("/").rsplit("/", 1)[-1]
    stem, dot, extension = last.rpartition(".")
    return stem if dot and extension.lower() in ("html", "htm", "php", "asp", "aspx", "jsp") else last
