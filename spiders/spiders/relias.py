"""Relias Academy (reliasacademy.com): an Oracle ATG store (provider-sites.md §2).

Audience landing pages list product cards and paginate; product pages use two templates — the single-SKU
page (``.page-title span``) for courses (``productId=c…``) and packages (``p…``), and the All Access page
(``.h1-allaccess span``). Listing links carry ``;jsessionid=…``, ATG navigation and utm/gclid parameters:
a product URL is reduced to ``productDetailSingleSku.jsp?productId=…`` so each product is fetched once.

Contact hours come from the "Contact Hours" attribute or, failing that, from the description prose
("up to 2 contact hours"). Accreditation is per course and names nursing, case-management and other bodies;
AAMA is not among Relias' approvals, so its courses count only as non-AAMA credit.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

import scrapy
from scrapy.http import Response
from w3lib.url import url_query_cleaner

from spiders.bases.provider import ProviderSpider
from spiders.items import Item
from spiders.parsers.bodies import APPROVED, BodyClaim
from spiders.parsers.credits import parse_credits
from spiders.parsers.dates import parse_date
from spiders.parsers.page_flags import is_placeholder, unavailable_reason, unverified_fields
from spiders.parsers.prices import parse_price
from spiders.parsers.urls import clean_url

_HOURS_SENTENCE_RE = re.compile(
    r"(?:[^.]|\.(?=\d))*\bhours?\b(?:[^.]|\.(?=\d))*", re.I
)  # "." inside 1.5 is no stop
_MONTHS_RE = re.compile(r"\b(\d{1,2})\s+months?\b", re.I)


class ReliasSpider(ProviderSpider):
    name = "relias"
    real_base_url = "https://reliasacademy.com"
    start_paths = (
        "/rls/store/medical-assistant-online-continuing-education",
        "/rls/store/nursing-online-continuing-education",
    )
    #: Accreditors named in the statements → short names; their credit is in contact hours.
    accreditors: ClassVar[dict[str, str]] = {
        "American Nurses Credentialing Center": "ANCC",
        "Commission for Case Manager Certification": "CCMC",
        "Association of Social Work Boards": "ASWB",
        "National Board for Certified Counselors": "NBCC",
        "American Occupational Therapy Association": "AOTA",
        "Behavior Analyst Certification Board": "BACB",
        "Commission on Dietetic Registration": "CDR",
    }
    body_units = dict.fromkeys(accreditors.values(), "contact_hour")
    #: "Course Type" values → course-record format (others: online).
    formats: ClassVar[dict[str, str]] = {"live webinar": "live"}
    card_links = (
        ".col-xs-12.col-sm-6.col-md-4 .block div a::attr(href)",
        ".product-description section p a::attr(href)",
    )

    def parse(self, response: Response, **kwargs: Any) -> Iterator[scrapy.Request]:
        for query in self.card_links:
            for href in response.css(query).getall():
                url = self.product_url(response.urljoin(href))
                if url:
                    yield scrapy.Request(url, callback=self.parse_product)
        for href in response.css("ul.pagination a::attr(href)").getall():
            yield scrapy.Request(clean_url(response.urljoin(href)), callback=self.parse)

    @staticmethod
    def product_url(url: str) -> str | None:
        """``…/productDetailSingleSku.jsp?productId=c412977`` without session, navigation and tracking
        parts; None for links that are not product pages (search ``s.jsp``, cart)."""
        if "productDetailSingleSku.jsp" not in url:
            return None
        return url_query_cleaner(clean_url(url), ["productId"])

    @staticmethod
    def product_id(url: str) -> str | None:
        ids = parse_qs(urlsplit(url).query).get("productId")
        return ids[0] if ids else None

    def parse_product(self, response: Response) -> Iterator[Item]:
        product_id = self.product_id(response.url)
        if response.css(".h1-allaccess"):
            yield self.all_access(response, product_id)
        elif product_id and product_id.startswith("p"):
            yield self.package(response, product_id)
        else:
            yield from self.single_course(response, product_id)

    def single_course(self, response: Response, product_id: str | None) -> Iterator[Item]:
        title = self.text(response, ".page-title span")
        skip = "placeholder" if is_placeholder(title) else unavailable_reason(self.text(response, ".alert"))
        if skip:
            self.crawler.stats.inc_value(f"recert/skipped/{skip}")
            return
        description = self.text(response, "#longDescription span")
        course_type = self.attribute(response, "Course Type").lower()
        item = self.course(
            response,
            course_id=product_id,
            title=title,
            description=description or None,
            format=self.formats.get(course_type, "online"),
            included_in=[pid for pid in map(self.product_id, self.included_links(response)) if pid] or None,
        )
        self.hours(item, response, description)
        self.price(item, response)
        self.live_date(item, response)
        self.approvals(item, self.accreditation(response), item.get("hours"))
        yield item

    def attribute(self, response: Response, label: str) -> str:
        """The value of a ``ul.product-attributes`` entry ("Contact Hours:", "Course Type:", …)."""
        for entry in response.css("ul.product-attributes li"):
            if self.text(entry, ".attr-label").rstrip(":").lower() == label.lower():
                return self.text(entry, ".attr-value")
        return ""

    def hours(self, item: Item, response: Response, description: str) -> None:
        """The "Contact Hours" attribute, else the first sentence of the description that gives hours."""
        value = self.attribute(response, "Contact Hours")
        if value:
            self.credits(item, f"{value} contact hours")
            return
        sentence = _HOURS_SENTENCE_RE.search(description)
        self.credits(item, sentence.group(0) if sentence else None)

    def price(self, item: Item, response: Response) -> None:
        text = self.text(response, "#productPrice .sale-price") or self.text(response, "#productPrice")
        price = self.parse_field(item, "price", parse_price, text)
        if price is not None:
            item["price"] = price.amount

    def live_date(self, item: Item, response: Response) -> None:
        stamp = response.css("ul.product-attributes time::attr(datetime)").get()
        if stamp and item.get("format") == "live":
            day = self.parse_field(item, "available_from", parse_date, stamp)
            item["available_from"] = item["available_until"] = day

    def accreditation(self, response: Response) -> list[BodyClaim]:
        """Bodies named in the accreditation statements (the medical-assistant note is not one)."""
        claims = []
        for statement in response.css("#accreditation p.accreditation-statement"):
            text = self.text(statement, "*")
            claims += [BodyClaim(body, APPROVED) for name, body in self.accreditors.items() if name in text]
        return claims

    @staticmethod
    def included_links(response: Response) -> list[str]:
        return [response.urljoin(h) for h in response.css(".included-in a::attr(href)").getall()]

    def package(self, response: Response, product_id: str) -> Item:
        description = self.text(response, "#longDescription span")
        item = self.offer(
            response, offer_id=product_id, name=self.text(response, ".page-title span"), kind="bundle",
            description=description or None,
        )  # fmt: skip
        self.offer_terms(item, response, description)
        sentence = _HOURS_SENTENCE_RE.search(description)
        credits = self.parse_field(item, "extras", parse_credits, sentence.group(0) if sentence else None)
        if credits is not None and credits.hours is not None:  # offers have no hours field: "up to N hours"
            item.setdefault("extras", {})["hours_up_to"] = credits.hours
        return item

    def all_access(self, response: Response, product_id: str | None) -> Item:
        description = self.text(response, ".h2-allaccess")
        name = self.text(response, ".h1-allaccess span")
        item = self.offer(
            response, offer_id=product_id, name=name, kind="subscription", description=description or None
        )
        self.offer_terms(item, response, f"{description} {self.text(response, '.term')}")
        return item

    def offer_terms(self, item: Item, response: Response, text: str) -> None:
        self.price(item, response)
        months = _MONTHS_RE.search(text)
        if months:
            item["period_months"] = int(months.group(1))
        fields = unverified_fields(response)
        if fields:
            item.setdefault("extras", {})["unverified"] = fields
