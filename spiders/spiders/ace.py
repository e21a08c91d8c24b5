"""ACE — Annals of Continuing Education (annalsofcontinuingeducation.com).

WordPress-like site: a paginated course catalog (``/courses/``, ``/courses/page/N/``), one detail page per
course (``/courses/<slug>/``) with CEUs, content area split, approvals and price, and an annual membership
(``/membership/``) that includes the courses — a subscription offer. The real catalog markup is unknown
(provider-sites.md §3); the selectors follow the synthetic mirror in data/mirrors/ace/. ACE's CEUs are AAMA
CEUs (one contact hour each). Values marked ``data-unverified`` on a page are listed in
``extras.unverified`` of the record.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from decimal import Decimal
from typing import Any, ClassVar, cast

import scrapy
from scrapy.http import Response, TextResponse

from spiders.bases.provider import ProviderSpider
from spiders.items import Item
from spiders.loaders import CourseLoader
from spiders.parsers.areas import parse_areas
from spiders.parsers.bodies import parse_bodies
from spiders.parsers.prices import parse_price

MEMBERSHIP_ID = "annual-membership"


class AceSpider(ProviderSpider):
    name = "ace"
    real_base_url = "https://annalsofcontinuingeducation.com"
    start_paths = ("/courses/",)
    ceu_unit = "aama_ceu"
    # AMT CCP points per contact hour and ARMA's unit are not confirmed by public sources: one per hour.
    unit_hours: ClassVar = {"ccp_point": Decimal(1)}
    body_units: ClassVar = {
        "AAMA": "aama_ceu",
        "AMT": "ccp_point",
        "NHA": "nha_credit",
        "ARMA": "contact_hour",
    }
    item_attributes: ClassVar = {"format": "online"}

    async def start(self) -> AsyncIterator[scrapy.Request]:
        async for request in super().start():
            yield request
        yield scrapy.Request(self.url("/membership/"), callback=self.parse_membership)

    def parse(self, response: Response, **kwargs: Any) -> Iterator[scrapy.Request]:
        """A catalog page: every course card, then the next page."""
        for href in response.css("article.course-card .entry-title a::attr(href)").getall():
            yield response.follow(href, callback=self.parse_course)
        next_page = response.css("a.next.page-numbers::attr(href)").get()
        if next_page:
            yield response.follow(next_page, callback=self.parse)

    def parse_course(self, response: Response) -> Iterator[Item]:
        loader = CourseLoader(
            item=self.course(response, course_id=self._slug(response.url)),
            response=cast(TextResponse, response),  # an HTML page
        )
        loader.add_css("title", "article.course h1.entry-title")
        loader.add_css("description", "article.course .entry-content p")
        item = loader.load_item()
        self.credits(item, self._meta(response, "ceus", "CEUs:"))
        hours = item.get("hours")
        area_hours = self.parse_field(
            item,
            "content_areas",
            parse_areas,
            self._meta(response, "content-area", "Content area:"),
            total=hours,
        )
        if area_hours:
            item["content_areas"] = area_hours
        claims = self.parse_field(item, "approvals", parse_bodies, self._meta(response, "approvals"))
        self.approvals(item, claims, hours, area_hours)
        self._price(item, self._meta(response, "price", "Price:"))
        self._unverified(item, response)
        yield item

    def parse_membership(self, response: Response) -> Iterator[Item]:
        """The annual membership: a 12-month subscription that includes every course."""
        item = self.offer(
            response,
            offer_id=MEMBERSHIP_ID,
            name=self.text(response, "article.membership h1.entry-title"),
            kind="subscription",
            period_months=12,
        )
        price = self.parse_field(item, "price", parse_price, self.text(response, ".membership-price .amount"))
        if price is not None:
            item["price"] = price.amount
        self._unverified(item, response)
        yield item

    def _price(self, item: Item, text: str) -> None:
        price = self.parse_field(item, "price", parse_price, text)
        if price is None:
            return
        if price.amount is not None:
            item["price"] = price.amount
        if price.member_amount is not None:
            item["member_price"] = price.member_amount
        if price.included or "membership" in price.raw.lower():
            item["included_in"] = [MEMBERSHIP_ID]

    def _meta(self, response: Response, css_class: str, label: str = "") -> str:
        return self.text(response, f"ul.course-meta li.{css_class}").removeprefix(label).strip()

    @staticmethod
    def _slug(url: str) -> str:
        return url.split("?", 1)[0].rstrip("/").rsplit("/", 1)[-1]

    @staticmethod
    def _unverified(item: Item, response: Response) -> None:
        fields = response.css("[data-unverified]::attr(data-unverified)").getall()
        if fields:
            item.setdefault("extras", {})["unverified"] = sorted(set(fields))
