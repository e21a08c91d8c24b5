"""StructuredDataSpider: courses from schema.org Course / CourseInstance / Offer data (JSON-LD, microdata
and RDFa, read by extruct), for any site that publishes it.

Discovery: the site's ``/sitemap.xml`` (sitemap indexes followed) when there is one; else the start page
and the links on it that stay on the same host. Every Course on a page is its own item (an ``@graph``,
several blocks, a top-level array, several itemscopes); see docs/spiders.md for the field precedence:
``name`` → title; id = ``courseCode`` / ``identifier`` / ``sku``, else ``@id``, else the course URL plus
a slug of the name; hours = stated study time (:func:`~spiders.parsers.structured.study_hours`), else
credits of known length; price = a one-time offer (USD first), amount and currency from the same offer;
recurring offers → subscription offer items; ``courseMode`` → format; ``about`` → content area.

Hooks for provider specifics: override :meth:`post_process_course` (called with the item, the schema.org
node and the response) or :meth:`course_urls` (which sitemap URLs are course pages).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from decimal import Decimal
from typing import Any

import scrapy
from scrapy.http import Response, TextResponse
from scrapy.utils.sitemap import Sitemap

from spiders.bases.provider import ProviderSpider
from spiders.items import PROBLEMS_KEY, Item, add_problem
from spiders.parsers import Unparseable
from spiders.parsers.areas import area_of
from spiders.parsers.prices import parse_price
from spiders.parsers.structured import (
    OfferTerms,
    all_offers,
    course_fields,
    course_id,
    course_nodes,
    extract_nodes,
    offer_terms,
    slug,
    study_hours,
)
from spiders.parsers.urls import is_http_url, same_host
from spiders.pipelines.validate import PROBLEM_STAT

MODES: dict[str, str] = {
    "online": "online", "onlineonly": "online", "distancelearning": "online", "self-paced": "online",
    "blended": "online", "synchronous": "live", "live": "live", "webinar": "live",
    "onsite": "in_person", "in person": "in_person", "in-person": "in_person", "inperson": "in_person",
    "offline": "in_person", "conference": "conference",
}  # fmt: skip
NOT_FOUND = (404, 410)
#: Private item key: the subscription offers a course names, yielded as offer items by parse_page.
SUBSCRIPTIONS_KEY = "_subscriptions"
NO_TIME = "no courseWorkload, timeRequired, courseSchedule or credits"


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
        """Every schema.org Course on a page as its own course item (one per id: the same course given
        twice, e.g. in JSON-LD and microdata, is merged), plus the subscription offers it names."""
        if not isinstance(response, TextResponse):
            return
        extracted = extract_nodes(response.body, response.url, encoding=response.encoding)
        for problem in extracted.problems:
            self.page_problem(response, problem)
        courses: dict[str, Item] = {}
        offers: dict[str, Item] = {}
        for node in course_nodes(extracted.nodes):
            item = self.course_from_node(node, response)
            self.post_process_course(item, node, response)
            for offer in item.pop(SUBSCRIPTIONS_KEY, []):
                offers.setdefault(offer["offer_id"], offer)
            key = str(item.get("course_id") or "")
            if key in courses:
                _merge(courses[key], item)
            else:
                courses[key] = item
        yield from courses.values()
        yield from offers.values()

    def page_problem(self, response: Response, problem: str) -> None:
        """A problem that belongs to the page, not to one course (a broken JSON-LD block): counted in
        the crawler stats as ``recert/problems/structured_data`` and logged with the page's URL."""
        crawler = getattr(self, "crawler", None)
        if crawler is not None and crawler.stats is not None:
            crawler.stats.inc_value(PROBLEM_STAT + "structured_data")
        self.logger.warning("structured data on %s: %s", response.url, problem)

    def post_process_course(self, item: Item, node: Mapping[str, Any], response: Response) -> None:
        """Hook: adjust an item with provider specifics (default: nothing)."""

    def course_from_node(self, node: Mapping[str, Any], response: Response) -> Item:
        fields = course_fields(node)
        url = response.urljoin(fields["url"]) if fields["url"] else response.url
        url = url if is_http_url(url) and same_host(url, response.url) else response.url
        item = self.course(response, url=url, course_id=course_id(fields, url), title=fields["title"],
                           description=fields["description"])  # fmt: skip
        self._hours(item, node, fields)
        self._offers(item, node, fields, response)
        mode = (fields["mode"] or "").strip().lower()
        if mode:
            item["format"] = MODES.get(mode.rsplit("/", 1)[-1], self.default_format)
        area = area_of(fields["area"])
        if area and item.get("hours"):
            item["content_areas"] = {area: item["hours"]}
        return item

    def _hours(self, item: Item, node: Mapping[str, Any], fields: Mapping[str, Any]) -> None:
        """Hours from stated study time (:func:`study_hours`), else from credits in a unit of known
        length; a span, disagreeing instances or nothing at all leave the course without hours."""
        refused = None
        try:
            hours = study_hours(node)
        except Unparseable as exc:
            hours, refused = None, str(exc)
        credit_text = fields["credential"] or fields["credits"]
        credits = self.credits(item, credit_text) if credit_text is not None else None
        if credits is not None and credits.body:
            # "2 AAMA CEUs (Clinical)": an approval in the body's own unit, as printed.
            approval: dict[str, Any] = {"body": credits.body, "credits": credits.amount}
            if credits.area:
                approval["categories"] = {credits.area: credits.amount}
            item["approvals"] = [approval]
        if hours is not None:
            item["hours"] = hours  # stated study time wins over a unit conversion
        elif "hours" not in item:
            add_problem(item, "hours", refused or NO_TIME)

    def _offers(
        self, item: Item, node: Mapping[str, Any], fields: Mapping[str, Any], response: Response
    ) -> None:
        """The course price from its offers: amount and currency always from one offer; a one-time USD
        offer is preferred, else the first one-time offer in its own currency; a members' offer in the
        same currency is the member price; recurring offers become subscription or membership offer
        items (a subscription lists the course ``included_in`` it) and are never the course price."""
        one_time: list[tuple[Decimal, str]] = []
        member: list[tuple[Decimal, str]] = []
        for terms in self._offer_terms(item, node):
            if terms.price is None and not terms.free:
                continue
            currency = (terms.currency or self.default_currency).upper()
            if terms.free:
                amount = Decimal(0)
            else:
                price = self.parse_field(item, "price", parse_price, terms.price, default_currency=currency)
                if price is None or price.amount is None:
                    continue
                if terms.currency and price.currency != currency:
                    add_problem(item, "price", f"{terms.price!r} is not in its priceCurrency {currency}")
                    continue
                amount = price.amount
            if terms.recurring:
                self._subscription(item, terms, amount, currency, response)
            elif terms.member:
                member.append((amount, currency))
            else:
                one_time.append((amount, currency))
        if not one_time and not member and fields["free"] and not item.get(SUBSCRIPTIONS_KEY):
            one_time.append((Decimal(0), self.default_currency))  # isAccessibleForFree: true
        chosen = self._course_price(item, one_time)
        if chosen is None:
            return
        item["price"], item["currency"] = chosen
        members = sorted({a for a, c in member if c == chosen[1]})
        if len(members) == 1:
            item["member_price"] = members[0]
        elif len(members) > 1:
            add_problem(item, "member_price", f"several member prices {_amounts(members)}: none taken")

    def _offer_terms(self, item: Item, node: Mapping[str, Any]) -> list[OfferTerms]:
        terms: list[OfferTerms] = []
        for offer in all_offers(node):
            try:
                terms.append(offer_terms(offer))
            except Unparseable as exc:
                add_problem(item, "price", str(exc))
        return terms

    def _course_price(self, item: Item, one_time: list[tuple[Decimal, str]]) -> tuple[Decimal, str] | None:
        if not one_time:
            return None
        usd = sorted({a for a, c in one_time if c == "USD"})
        if len(usd) == 1:
            return usd[0], "USD"
        if len(usd) > 1:
            add_problem(item, "price", f"several one-time USD prices {_amounts(usd)}: none taken")
            return None
        return one_time[0]

    def _subscription(
        self, item: Item, terms: OfferTerms, amount: Decimal, currency: str, response: Response
    ) -> None:
        """A recurring offer as an offer item: a membership (unlocks member prices) or a subscription
        (the course is ``included_in`` it). Its id: the offer's sku, else a slug of its name + period."""
        kind = "membership" if terms.membership else "subscription"
        period = {1: "monthly", 12: "annual"}.get(terms.period_months or 0)
        name = terms.name or " ".join(w for w in (period, kind) if w).capitalize()
        offer_id = terms.offer_id or "-".join(
            p for p in (slug(name), f"{terms.period_months}m" if terms.period_months else "") if p
        )
        offer = self.offer(response, offer_id=offer_id, name=name, kind=kind, price=amount,
                           currency=currency, period_months=terms.period_months)  # fmt: skip
        item.setdefault(SUBSCRIPTIONS_KEY, []).append(offer)
        included = item.setdefault("included_in", []) if kind == "subscription" else None
        if included is not None and offer_id not in included:
            included.append(offer_id)


def _merge(kept: Item, other: Item) -> None:
    """Fill what ``kept`` lacks from ``other`` (the same course given twice on one page)."""
    filled = [k for k in other if k not in kept and k != PROBLEMS_KEY]
    for key in filled:
        kept[key] = other[key]
    problems = [p for p in kept.get(PROBLEMS_KEY, []) if p[0] not in filled]
    if problems:
        kept[PROBLEMS_KEY] = problems
    else:
        kept.pop(PROBLEMS_KEY, None)


def _amounts(amounts: list[Decimal]) -> str:
    return ", ".join(f"{a:f}" for a in amounts)
