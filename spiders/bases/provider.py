"""ProviderSpider: the base of every provider spider.

A provider spider declares facts as class attributes and writes parse methods that call the helpers:

    class AceSpider(ProviderSpider):
        name = "ace"                                   # = provider id = file name
        real_base_url = "https://annalsofcontinuingeducation.com"
        start_paths = ("/courses/",)
        ceu_unit = "aama_ceu"                          # a bare "CEU" on this site is one contact hour
        item_attributes = {"format": "online"}

        def parse(self, response): ...
            item = self.course(response, course_id=..., title=...)
            self.parse_field(item, "price", parse_price, text)

Everything in ``item_attributes`` (plus provider, currency, source, scraped_at) is applied to items by the
provider-attributes pipeline, so parse methods never repeat them. ``-a base_url=http://127.0.0.1:8000``
points the spider at a mirror; every URL the spider builds goes through :meth:`url`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from decimal import Decimal
from typing import Any, ClassVar, TypeVar

import parsel
import scrapy
from scrapy.http import Response

from catalog.registry import BODY_UNITS
from spiders.items import Item, add_problem, course_item, offer_item
from spiders.parsers import Unparseable, clean_text
from spiders.parsers.bodies import ACCEPTED, BodyClaim
from spiders.parsers.credits import UNIT_HOURS, Credits, parse_credits
from spiders.parsers.urls import clean_url

T = TypeVar("T")


class ProviderSpider(scrapy.Spider):
    """Base spider: declarative provider facts, ``base_url`` handling and item helpers."""

    #: Spider name = provider id in the catalog (letters, digits, "-" and "_").
    name: str = ""
    #: The provider's real site; ``-a base_url=`` replaces it (mirrors, staging hosts).
    real_base_url: ClassVar[str] = ""
    #: Paths (or absolute URLs) the crawl starts from, relative to the base URL.
    start_paths: ClassVar[tuple[str, ...]] = ("/",)
    default_currency: ClassVar[str] = "USD"
    default_format: ClassVar[str] = "online"
    #: Bodies that approve every course of this provider unless a page says otherwise.
    default_approvals: ClassVar[tuple[str, ...]] = ()
    #: What a bare "CEU" means on this site: "iacet_ceu" (10 hours) or "aama_ceu" (1 hour).
    ceu_unit: ClassVar[str] = "iacet_ceu"
    #: Contact hours per unit for units the site defines ("credit", "ccp_point", …).
    unit_hours: ClassVar[Mapping[str, Decimal]] = {}
    #: The unit each approving body counts credit in (for converting contact hours to its credits).
    body_units: ClassVar[Mapping[str, str]] = BODY_UNITS
    #: Bodies whose approvals carry a content-area split (AAMA's administrative/clinical/general).
    category_bodies: ClassVar[tuple[str, ...]] = ("AAMA",)
    #: Field values applied to every item that lacks them (by ProviderAttributesPipeline).
    item_attributes: ClassVar[Mapping[str, Any]] = {}

    def __init__(
        self, *args: Any, base_url: str | None = None, public_base_url: str | None = None, **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        base = base_url or self.real_base_url
        public = public_base_url or self.real_base_url or base
        for what, value in (("base_url", base), ("public_base_url", public)):
            if not value.startswith(("http://", "https://")):
                raise ValueError(f"{what} must be an http(s) URL, got {value!r}")
        self.base_url = base.rstrip("/")
        #: Where the records' URLs point when RECERT_PUBLIC_URLS is on (a mirror crawl stores the real
        #: site's URL shapes, not a loopback address with a random port).
        self.public_base_url = public.rstrip("/")

    @property
    def provider(self) -> str:
        return self.name

    def url(self, path: str) -> str:
        """Absolute URL of ``path`` on the base URL (absolute URLs on the real host are re-rooted too)."""
        if path.startswith(("http://", "https://")):
            if self.real_base_url and path.startswith(self.real_base_url):
                path = path[len(self.real_base_url) :]
            else:
                return path
        return f"{self.base_url}/{path.lstrip('/')}"

    async def start(self) -> AsyncIterator[scrapy.Request]:
        # Not start_urls: those are dont_filter=True, so a link back to the start page would crawl it twice.
        for path in self.start_paths:
            yield scrapy.Request(self.url(path), callback=self.parse)

    def parse(self, response: Response, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__}.parse is not defined")

    # --- item helpers -------------------------------------------------------------------------------

    def course(self, response: Response, **fields: Any) -> Item:
        """A course item for the page ``response`` (url = the page's clean URL unless given)."""
        fields.setdefault("url", clean_url(response.url))
        return course_item(**fields)

    def offer(self, response: Response | None = None, **fields: Any) -> Item:
        """An offer item (subscription, membership, bundle); ``url`` defaults to the page's."""
        if response is not None:
            fields.setdefault("url", clean_url(response.url))
        return offer_item(**fields)

    def parse_field(
        self, item: Item, field: str, parser: Callable[..., T], text: str | None, **kwargs: Any
    ) -> T | None:
        """``parser(text, **kwargs)``, or None with a problem recorded on ``item`` under ``field``."""
        try:
            return parser(text, **kwargs)
        except Unparseable as exc:
            add_problem(item, field, str(exc))
            return None

    def credits(self, item: Item, text: str | None) -> Credits | None:
        """Parse a credits string with this site's unit conventions; sets ``hours`` on the item."""
        credits = self.parse_field(
            item, "hours", parse_credits, text, ceu=self.ceu_unit, unit_hours=self.unit_hours
        )
        if credits is None:
            return None
        if credits.hours is None:
            add_problem(
                item, "hours", f"{credits.raw!r} is in {credits.unit}, whose length in hours is unknown"
            )
        else:
            item["hours"] = credits.hours
        item.setdefault("extras", {})["credits_raw"] = credits.raw
        return credits

    def approvals(
        self,
        item: Item,
        claims: Iterable[BodyClaim] | None,
        hours: Decimal | None,
        area_hours: Mapping[str, Decimal] | None = None,
    ) -> None:
        """Turn body claims into approvals (credits in each body's unit) on ``item``.

        "Approved" claims (and ``default_approvals`` when the page names none) become approvals;
        "accepted" claims are kept apart in ``extras.accepted_by``. A body whose unit is not declared in
        ``body_units`` is recorded as a problem rather than given a guessed amount.
        """
        claims = list(claims or [])
        approved = [c.body for c in claims if c.status != ACCEPTED] or list(self.default_approvals)
        accepted = [c.body for c in claims if c.status == ACCEPTED]
        if accepted:
            item.setdefault("extras", {})["accepted_by"] = accepted
        if hours is None:
            return
        result: list[dict[str, Any]] = []
        for body in approved:
            per_credit = self._hours_per_credit(body)
            if per_credit is None:
                add_problem(item, "approvals", f"the unit of {body} credit is not declared for {self.name}")
                continue
            approval: dict[str, Any] = {"body": body, "credits": _exact(hours / per_credit)}
            if area_hours and body in self.category_bodies:
                approval["categories"] = {a: _exact(h / per_credit) for a, h in area_hours.items()}
            result.append(approval)
        if result:
            item["approvals"] = result

    def _hours_per_credit(self, body: str) -> Decimal | None:
        unit = self.body_units.get(body)
        if unit is None:
            return None
        return {**UNIT_HOURS, **self.unit_hours}.get(unit)

    @staticmethod
    def text(response: Response | parsel.Selector, query: str) -> str:
        """Visible text of all nodes matching a CSS query, entities decoded, whitespace collapsed."""
        return clean_text(" ".join(response.css(query).getall()))


def _exact(value: Decimal) -> Decimal:
    """Drop trailing zeros from a computed amount without rounding (1.50 → 1.5)."""
    normal = value.normalize()
    return normal.quantize(Decimal(1)) if normal == normal.to_integral_value() else normal
