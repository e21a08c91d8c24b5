"""The planner's input read column by column from the catalog, without a ``Course`` per record.

``read_catalog`` + ``build_input`` parse every stored record JSON into a ``Course`` (~40 µs a record).
Here DuckDB extracts only the fields the input needs from each record JSON (keys, title, url, format,
hours, prices, currency, kind, dates, included_in, and the credit inputs: content areas, approvals,
college credits) as text, and the credit per held credential is computed once per distinct
*credit shape* — the exact text of (kind, hours, content areas, approvals, college credits) plus the
inferred area — by the same rules engine on a ``Course`` built for that shape only. Equal text gives
equal parsed values, so the memo is exact. Everything else (filters, offers, cents, ranks) is the
``_Builder`` of ``adapter.py``, so both paths give the same ``PlanInput`` (tested).

Units as in ``adapter.py``: money in whole cents, hours in contact hours, credit in each credential's unit.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any, cast

from catalog.records import Course, Offer, course_from_stored, parse_record
from recommender.planner.adapter import (
    CURRENCY,
    _Builder,
    build_input,
    credential_need,
    limits_of,
    read_catalog,
)
from recommender.planner.model import CourseCredit, CourseKey, CourseOption, PlanInput
from recommender.rules.engine import CredentialRules
from recommender.rules.profile import Profile

# Per course: the plain string and date columns the catalog keeps beside the record (written from it),
# and the record JSON's own text for numbers (exact, as stored) and for the credit inputs.
COURSE_SQL = """
SELECT provider, course_id, title, url, format, record->>'hours', record->>'price',
       record->>'member_price', currency, kind, record->'included_in', available_from, available_until,
       record->'content_areas', record->'approvals', record->'extras'->'college_credits'
FROM course
"""


class _Row:
    """One course as the input builder reads it (the attributes of ``Course`` it uses), from text."""

    __slots__ = (
        "approvals",
        "available_from",
        "available_until",
        "college",
        "content_areas",
        "course_id",
        "currency",
        "format",
        "hours",
        "hours_text",
        "included_in",
        "key",
        "kind",
        "member_price",
        "price",
        "provider",
        "title",
        "url",
    )

    def __init__(self, row: tuple[Any, ...]):
        (self.provider, self.course_id, self.title, self.url, self.format, self.hours_text, price,
         member, currency, kind, included, starts, until, self.content_areas, self.approvals,
         self.college) = row  # fmt: skip
        self.key: CourseKey = (self.provider, self.course_id)
        self.hours = Decimal(self.hours_text)
        self.price = None if price is None else Decimal(price)
        self.member_price = None if member is None else Decimal(member)
        self.currency = CURRENCY if currency is None else currency
        self.kind = "course" if kind is None else kind
        self.included_in = tuple(json.loads(included)) if included not in (None, "[]") else ()
        self.available_from: date | None = starts
        self.available_until: date | None = until

    def shape(self) -> tuple[object, ...]:
        """The exact text of everything ``rules.engine.contribution`` reads."""
        return (self.kind, self.hours_text, self.content_areas, self.approvals, self.college)

    def course(self) -> Course:
        """A ``Course`` with this row's credit inputs and start date (enough for ``_Builder._credits``)."""
        load = json.JSONDecoder(parse_float=Decimal).decode
        obj: dict[str, Any] = {
            "provider": self.provider, "course_id": self.course_id, "title": self.title, "url": self.url,
            "format": self.format, "hours": self.hours, "source": "import", "kind": self.kind,
            "available_from": None if self.available_from is None else self.available_from.isoformat(),
            "content_areas": {} if self.content_areas is None else load(self.content_areas),
            "approvals": [] if self.approvals is None else load(self.approvals),
            "extras": {} if self.college is None else {"college_credits": load(self.college)},
        }  # fmt: skip
        return course_from_stored(obj)


class _RowBuilder(_Builder):
    """``_Builder`` whose credit memo is keyed by a row's credit shape (text) and start date, not a
    parsed ``Course``: the rules engine runs on a ``Course`` built once per key."""

    def __init__(self, *args: Any):
        super().__init__(*args)
        self.shape_memo: dict[tuple[object, ...], tuple[CourseCredit, ...]] = {}

    def _credits(self, course: Course) -> tuple[CourseCredit, ...]:
        row = cast(_Row, course)
        key = (row.shape(), self.inferred.get(row.key), row.available_from)
        known = self.shape_memo.get(key)
        if known is None:
            known = self.shape_memo[key] = super()._credits(row.course())
        return known


def columnar_input(
    path: Path,
    profile: Profile,
    rules: Mapping[str, CredentialRules],
    interest_scores: Mapping[tuple[str, str], float],
    today: date,
) -> PlanInput:
    """The planner's input for ``profile`` from the published catalog at ``path``, read by columns
    (raises ``catalog.db.CatalogMissing``); equal to ``build_input`` over ``read_catalog(path)``."""
    from catalog.db import read_connection
    from catalog.queries import inferred_areas

    with read_connection(path) as con:
        rows = con.execute(COURSE_SQL).fetchall()
        offer_rows = con.execute("SELECT record FROM offer ORDER BY provider, offer_id").fetchall()
        inferred = {key: found.area for key, found in inferred_areas(con).items()}
    load = json.JSONDecoder(parse_float=Decimal).decode
    offers = [record for (text,) in offer_rows if isinstance(record := parse_record(load(text)), Offer)]
    builder = _RowBuilder(offers, profile, rules, interest_scores, inferred, today)
    options: list[CourseOption] = []
    for row in sorted(rows, key=lambda r: (r[0], r[1])):
        option = builder.course(cast(Course, _Row(row)), rank=len(options))
        if option is not None:
            options.append(option)
    return PlanInput(
        needs=tuple(credential_need(held, rules.get(held.id)) for held in profile.credentials),
        courses=tuple(options),
        offers=tuple(builder.offers.values()),
        limits=limits_of(profile),
        excluded=tuple(builder.excluded),
    )


def catalog_input(
    path: Path,
    profile: Profile,
    *,
    rules: Mapping[str, CredentialRules] | None = None,
    interest_scores: Mapping[tuple[str, str], float] | None = None,
    today: date | None = None,
) -> PlanInput:
    """``columnar_input``, or — if the catalog's records are not in the form it expects (an unusual
    schema or record) — the record-by-record path, ``build_input`` over ``read_catalog``."""
    from catalog.db import CatalogMissing

    try:
        return columnar_input(path, profile, rules or {}, interest_scores or {}, today or date.today())
    except CatalogMissing:
        raise
    except Exception:  # any surprise in the fast path: the exact record-by-record path decides
        read = read_catalog(path)
        return build_input(
            read.courses,
            read.offers,
            profile,
            rules=rules,
            interest_scores=interest_scores,
            inferred_areas=read.inferred_areas,
            today=today,
        )
