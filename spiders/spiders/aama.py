"""AAMA (aama-ntl.org): e-Learning Center courses, CMA Today CE article tests, self-study courses, the annual
conference, chapter / state-society workshops and the membership that unlocks member prices.

All of AAMA's own products carry AAMA CEUs (1 CEU = 1 contact hour = 1 recertification point) split by
content area. The page families share one product template (``main.ce-product``); workshops are cards on
a listing page. The real markup is not public (provider-sites.md §1): selectors follow Recert's mirror.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from typing import Any, cast

from parsel import Selector
from scrapy.http import Response, TextResponse

from spiders.bases.provider import ProviderSpider
from spiders.items import Item, add_problem
from spiders.parsers import Unparseable, clean_text, to_number
from spiders.parsers.areas import area_of
from spiders.parsers.bodies import parse_bodies
from spiders.parsers.dates import parse_date
from spiders.parsers.page_flags import is_placeholder, unavailable_reason, unverified_fields
from spiders.parsers.prices import parse_price

_MONTHS_RE = re.compile(r"\b(\d{1,2}) months?\b", re.I)


class AamaSpider(ProviderSpider):
    name = "aama"
    real_base_url = "https://www.aama-ntl.org"
    start_paths = (
        "/continuing-education/e-learning-center",
        "/publications/cma-today/ce-articles",
        "/continuing-education/self-study",
        "/events/annual-conference",
        "/events/workshops",
        "/membership/join",
    )
    ceu_unit = "aama_ceu"
    default_approvals = ("AAMA",)
    #: "Format: …" words → course-record format, first match wins.
    formats = (
        ("conference", "conference"),
        ("printed", "print"),
        ("in person", "in_person"),
        ("online", "online"),
    )

    def parse(self, response: Response, **kwargs: Any) -> Iterator[Any]:
        if response.css("main.membership"):
            yield self.parse_membership(response)
        elif response.css("main.ce-product"):
            yield from self.parse_product(response)
        else:
            yield from self.parse_listing(response)

    def parse_listing(self, response: Response) -> Iterator[Any]:
        for href in response.css("a.course-link::attr(href)").getall():
            yield response.follow(href, callback=self.parse_product)
        for card in response.css("article.event-card"):
            yield from self.product(response, card, default_format="in_person")
        for href in response.css("nav.pager a.next::attr(href)").getall():
            yield response.follow(href, callback=self.parse)

    def parse_product(self, response: Response) -> Iterator[Item]:
        # A broken page (truncated, a soft 404) still yields an item: validation counts and drops it.
        nodes = response.css("main.ce-product")
        node = nodes[0] if nodes else cast(TextResponse, response).selector  # an HTML page: a TextResponse
        yield from self.product(response, node, default_format="online")

    def product(self, response: Response, node: Selector, *, default_format: str) -> Iterator[Item]:
        title = self.text(node, ".product-title")
        skip = "placeholder" if is_placeholder(title) else unavailable_reason(self.text(node, ".status"))
        if skip:
            self.crawler.stats.inc_value(f"recert/skipped/{skip}")
            return
        item = self.course(
            response,
            course_id=node.attrib.get("data-product-id"),
            title=title,
            description=self.text(node, ".product-description") or None,
            format=self.format_of(self.text(node, ".product-format"), default_format),
            location=self.text(node, ".event-location") or None,
        )
        credits = self.credits(item, self.text(node, ".product-ceus"))
        areas = self.content_areas(item, node, credits.area if credits else None)
        statement = self.text(node, ".approval-statement")  # workshop cards print none: AAMA by default
        claims = self.parse_field(item, "approvals", parse_bodies, statement) if statement else None
        self.approvals(item, claims, item.get("hours"), areas)
        self.prices(item, node)
        self.dates(item, node)
        self.access_window(item, node)
        self.label_unverified(item, node)
        yield item

    def format_of(self, text: str, default: str) -> str:
        lowered = text.lower()
        return next((fmt for word, fmt in self.formats if word in lowered), default)

    def content_areas(self, item: Item, node: Selector, named_area: str | None) -> dict[str, Decimal] | None:
        """AAMA CEUs per area from the split table (AAMA CEU = contact hour), else the area the CEU line
        names ("2 AAMA CEUs (Clinical)")."""
        areas: dict[str, Decimal] = {}
        for row in node.css("table.ceu-split tr"):
            area = area_of(self.text(row, "th"))
            try:
                amount = to_number(self.text(row, "td"))
            except Unparseable as exc:
                add_problem(item, "content_areas", str(exc))
                continue
            if area and amount > 0:
                areas[area] = amount
        if not areas and named_area and item.get("hours"):
            areas = {named_area: item["hours"]}
        if areas:
            item["content_areas"] = areas
        return areas or None

    def prices(self, item: Item, node: Selector) -> None:
        """``dl.pricing``: a Member and a Nonmember price, or one Registration price for everyone."""
        for term in node.css("dl.pricing dt"):
            label = clean_text(term.css("::text").get()).lower()
            text = clean_text(" ".join(term.xpath("following-sibling::dd[1]//text()").getall()))
            price = self.parse_field(item, "price", parse_price, text)
            if price is None:
                continue
            if label.startswith("member"):
                item["member_price"] = (
                    price.member_amount if price.member_amount is not None else price.amount
                )
            elif price.amount is not None:  # "Members only": no price for everyone else
                item["price"] = price.amount

    def dates(self, item: Item, node: Selector) -> None:
        stamps = node.css(".event-dates time::attr(datetime)").getall()
        if stamps:
            item["available_from"] = self.parse_field(item, "available_from", parse_date, stamps[0])
            item["available_until"] = self.parse_field(item, "available_until", parse_date, stamps[-1])

    def access_window(self, item: Item, node: Selector) -> None:
        """Self-study: "must be completed within 6 months of purchase" → access_months."""
        match = _MONTHS_RE.search(self.text(node, ".access-window"))
        if match:
            item["access_months"] = int(match.group(1))

    def label_unverified(self, item: Item, node: Selector) -> None:
        fields = unverified_fields(node)
        if fields:
            item.setdefault("extras", {})["unverified"] = fields

    def parse_membership(self, response: Response) -> Item:
        node = response.css("main.membership")[0]
        item = self.offer(
            response,
            offer_id=node.attrib.get("data-offer-id"),
            name=self.text(node, ".product-title"),
            kind="membership",
            description=self.text(node, ".product-description") or None,
        )
        price = self.parse_field(item, "price", parse_price, self.text(node, "dl.pricing dd"))
        if price is not None:
            item["price"] = price.amount
        months = _MONTHS_RE.search(self.text(node, ".term"))
        if months:
            item["period_months"] = int(months.group(1))
        self.label_unverified(item, node)
        return item
