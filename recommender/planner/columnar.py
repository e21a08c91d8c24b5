"""The planner's input built column by column from the catalog's columns, presolved before any course is
built. The columns come from ``catalog.planner_columns`` (the query lives there; nothing here opens the
catalog).

``build_input`` over the catalog's records parses every stored record JSON into a ``Course`` (~40 µs a
record) and builds a ``CourseOption`` for each. Here the catalog's query extracts only the fields the input
needs from each record JSON (hours, prices, included_in and the credit inputs: content areas, approvals,
college credits, as their exact text) beside the table's plain columns, into Arrow arrays; every column is
dictionary-encoded, so each distinct text is parsed once: cents per price text, hours per hours text, the
credit per held credential once per *credit shape* (the text of kind, hours, content areas, approvals,
college credits, plus the inferred area) by the same rules engine on a ``Course`` built for that shape only
(equal text gives equal parsed values, so the memo is exact), the offers per (provider, included_in) text.

The filters (taken, formats, avoided providers, non-USD, no longer available, unpriced and in no offer,
no credit) and the ranks (place among every eligible course by provider and course id) are computed
over all rows as arrays, each left-out course with ``_Builder``'s reason in words. Then, with
``presolve``, the presolve's first step (``prune.best_in_groups``: per group of courses with the same
credit, offers and payment options, the best ``copies_needed`` in each payment mode's order) runs on the
arrays, and ``CourseOption``s are built only for the courses it keeps — the exact set
``Presolve(whole).prune()`` keeps from the whole input, with the same ranks (tested), so the plan is the
same. The input then carries ``whole`` (every eligible course) for runner-ups, variants and infeasible
reasons. Without ``presolve`` the input equals ``build_input`` over the catalog's records (tested).

Units as in ``adapter.py``: money in whole cents, hours in contact hours, credit in each credential's unit.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import numpy.typing as npt

from catalog.planner_columns import CourseFilter, PlannerColumns
from catalog.records import Course, course_from_stored
from recommender.planner.adapter import CURRENCY, _Builder, cents, credential_need, limits_of
from recommender.planner.model import CourseCredit, CourseKey, CourseOption, Exclusion, OfferKey, PlanInput
from recommender.planner.prune import (
    NO_PRICE,
    PINNED,
    CourseArrays,
    CreditMemo,
    best_in_groups,
    group_key,
    hundredths,
    interest_points,
)
from recommender.rules.engine import CredentialRules
from recommender.rules.profile import Profile

if TYPE_CHECKING:
    import pyarrow as pa

SHAPE = ("kind", "hours", "content_areas", "approvals", "college")  # what the credit depends on

Codes = npt.NDArray[np.int64]


@dataclass(frozen=True)
class _Column:
    """One column as codes into its distinct values (None included): each distinct text is read once."""

    codes: Codes
    values: list[Any]

    def mapped(self, convert: Callable[[Any], Any]) -> list[Any]:
        """``convert`` of every distinct value, by code."""
        return [convert(value) for value in self.values]


# Arrow arrays go to numpy through their buffers: pyarrow's own conversions import pandas (seconds).


def _encoded(column: pa.ChunkedArray) -> _Column:
    import pyarrow.compute as pc

    encoded = pc.dictionary_encode(column, null_encoding="encode").combine_chunks()
    return _Column(_integers(encoded.indices), encoded.dictionary.to_pylist())


def _integers(array: pa.Array) -> Codes:
    """A primitive integer Arrow array without nulls as int64."""
    dtype = np.dtype(f"int{array.type.bit_width}")
    data = np.frombuffer(
        array.buffers()[1], dtype=dtype, count=len(array), offset=array.offset * dtype.itemsize
    )
    return data.astype(np.int64)


def _indices(rows: npt.NDArray[np.int64]) -> pa.Array:
    import pyarrow as pa

    rows = np.ascontiguousarray(rows, dtype=np.int64)
    return pa.Array.from_buffers(pa.int64(), len(rows), [None, pa.py_buffer(rows)])


def _combine(*codes: Codes) -> Codes:
    """One code per distinct combination of the given codes (0 … number of combinations − 1)."""
    combined = np.zeros(len(codes[0]), dtype=np.int64)
    for column in codes:
        combined = np.unique(combined * (int(column.max(initial=0)) + 1) + column, return_inverse=True)[1]
    return combined.reshape(-1)


def _firsts(codes: Codes) -> npt.NDArray[np.int64]:
    """For each code, the first row that has it."""
    values, first = np.unique(codes, return_index=True)
    out = np.zeros(int(values.max(initial=-1)) + 1, dtype=np.int64)
    out[values] = first
    return out


def _decimal(text: str | None) -> Decimal | None:
    return None if text is None else Decimal(text)


def _cents(text: str | None) -> int | None:
    return None if text is None else cents(Decimal(text))


def _shape_course(texts: Mapping[str, Any], load: Callable[[str], Any]) -> Course:
    """A ``Course`` with one row's credit inputs (all ``rules.engine.contribution`` reads)."""
    obj: dict[str, Any] = {
        "provider": "", "course_id": "", "title": "", "url": "", "format": "", "source": "import",
        "hours": Decimal(texts["hours"]), "kind": "course" if texts["kind"] is None else texts["kind"],
        "content_areas": {} if texts["content_areas"] is None else load(texts["content_areas"]),
        "approvals": [] if texts["approvals"] is None else load(texts["approvals"]),
        "extras": {} if texts["college"] is None else {"college_credits": load(texts["college"])},
    }  # fmt: skip
    return course_from_stored(obj)


class _Table:
    """The course rows in (provider, course_id) order, as Arrow columns and dictionary codes."""

    def __init__(self, table: pa.Table, inferred: Mapping[tuple[str, str], str]):
        import pyarrow.compute as pc

        order = pc.sort_indices(table, sort_keys=[("provider", "ascending"), ("course_id", "ascending")])
        self.table = table.take(order)
        self.size = self.table.num_rows
        names = (*SHAPE, "price", "member_price", "provider", "included_in")
        self.columns = {name: _encoded(self.table[name]) for name in names}
        self.suspect = self.integers("suspect").astype(bool)
        self.late = self.integers("late")
        self.inferred = self._inferred(inferred)

    def integers(self, name: str) -> Codes:
        return _integers(self.table[name].combine_chunks())

    def _inferred(self, inferred: Mapping[tuple[str, str], str]) -> _Column | None:
        """The ML model's area of each course that names no content area (None elsewhere)."""
        areas = self.columns["content_areas"]
        none = [code for code, text in enumerate(areas.values) if text is None or not json.loads(text)]
        empty = np.flatnonzero(np.isin(areas.codes, none))
        if not inferred or not len(empty):
            return None
        values: list[str | None] = [None]
        codes = np.zeros(self.size, dtype=np.int64)
        keys = zip(self.pylist("provider", empty), self.pylist("course_id", empty), strict=True)
        for row, key in zip(empty.tolist(), keys, strict=True):
            area = inferred.get(key)
            if area is not None:
                if area not in values:
                    values.append(area)
                codes[row] = values.index(area)
        return _Column(codes, values)

    def pylist(self, name: str, rows: npt.NDArray[np.int64]) -> list[Any]:
        return cast(list[Any], self.table[name].take(_indices(rows)).to_pylist())


class _Reader:
    """Builds the input from a ``_Table`` with ``_Builder``'s filters, offers and credit."""

    def __init__(self, rows: _Table, builder: _Builder):
        self.rows = rows
        self.builder = builder
        cols = rows.columns
        self.price = cols["price"].mapped(_cents)
        self.member = cols["member_price"].mapped(_cents)
        self.hours = cols["hours"].mapped(_decimal)
        self.offers_code, self.offer_keys = self._offer_keys()
        self.credit_code, self.credits = self._credits()
        self.reasons = self._reasons()

    def _offer_keys(self) -> tuple[Codes, list[tuple[OfferKey, ...]]]:
        """Per row a code of the offers that include it, and the offers per code."""
        provider, included = self.rows.columns["provider"], self.rows.columns["included_in"]
        code = _combine(provider.codes, included.codes)
        keys: list[tuple[OfferKey, ...]] = []
        for row in _firsts(code).tolist():
            text = included.values[included.codes[row]]
            ids = json.loads(text) if text is not None else ()
            keys.append(self.builder.offer_keys(provider.values[provider.codes[row]], ids) if ids else ())
        return code, keys

    def _credits(self) -> tuple[Codes, list[tuple[CourseCredit, ...]]]:
        """Per row a code of its credit (per credential whose cycle it starts in), and the credit per code."""
        cols = self.rows.columns
        inferred = self.rows.inferred
        late = self.rows.late  # bit i: starts after held credential i's cycle ends
        parts = [cols[name].codes for name in SHAPE] + [late]
        if inferred is not None:
            parts.append(inferred.codes)
        code = _combine(*parts)
        load = json.JSONDecoder(parse_float=Decimal).decode
        credits: list[tuple[CourseCredit, ...]] = []
        for row in _firsts(code).tolist():
            texts = {name: cols[name].values[cols[name].codes[row]] for name in SHAPE}
            area = None if inferred is None else inferred.values[inferred.codes[row]]
            per_credential = self.builder.credit_per_credential(_shape_course(texts, load), area)
            in_cycle = tuple(not (int(late[row]) >> i) & 1 for i in range(len(self.builder.counting)))
            credits.append(self.builder.credits_in_cycle(per_credential, in_cycle))
        return code, credits

    def _reasons(self) -> dict[int, str]:
        """Why each left-out row is left out, in ``_Builder``'s words."""
        builder, rows = self.builder, self.rows
        suspect = rows.suspect  # some filter of the profile may apply (see catalog.planner_columns)
        reasons: dict[int, str] = {}
        index = np.flatnonzero(suspect)
        names = ("course_id", "provider", "format", "currency", "available_until")
        values = zip(*(rows.pylist(name, index) for name in names), strict=True)
        for row, (course_id, provider, form, currency, until) in zip(index.tolist(), values, strict=True):
            currency = CURRENCY if currency is None else currency
            course = SimpleNamespace(course_id=course_id, provider=provider, format=form, currency=currency,
                                     available_until=until)  # fmt: skip
            reason = builder.why_not(cast(Course, course))
            if reason is not None:
                reasons[row] = reason
        unpriced = np.array([p is None for p in self.price])[self.rows.columns["price"].codes]
        no_offer = np.array([not keys for keys in self.offer_keys])[self.offers_code]
        for row in np.flatnonzero(unpriced & no_offer).tolist():
            reasons.setdefault(row, "has no price and no offer in the list includes it")
        no_credit = np.array([not credits for credits in self.credits])[self.credit_code]
        for row in np.flatnonzero(no_credit).tolist():
            reasons.setdefault(row, "gives no credit to any credential you hold")
        return reasons

    def excluded(self) -> list[Exclusion]:
        rows = np.array(sorted(self.reasons), dtype=np.int64)
        providers, ids, titles = (self.rows.pylist(name, rows) for name in ("provider", "course_id", "title"))
        return [
            Exclusion((provider, course_id), title, self.reasons[row])
            for row, provider, course_id, title in zip(rows.tolist(), providers, ids, titles, strict=True)
        ]

    def member_offers(self, provider: str, member_price: int | None) -> tuple[OfferKey, ...]:
        return self.builder.memberships.get(provider, ()) if member_price is not None else ()

    def pinned(self, include: frozenset[CourseKey]) -> Codes:
        """Per row: 0, or 1 + the place in ``include`` of the course she added to her plan it is."""
        code = np.zeros(self.rows.size, dtype=np.int64)
        if not include:
            return code
        import pyarrow as pa
        import pyarrow.compute as pc

        wanted = sorted(include)
        table = self.rows.table
        maybe = pc.and_(
            pc.is_in(table["provider"], value_set=pa.array(sorted({p for p, _ in wanted}))),
            pc.is_in(table["course_id"], value_set=pa.array(sorted({c for _, c in wanted}))),
        )
        rows = _integers(pc.indices_nonzero(maybe))
        keys = zip(self.rows.pylist("provider", rows), self.rows.pylist("course_id", rows), strict=True)
        place = {key: number for number, key in enumerate(wanted)}
        for row, key in zip(rows.tolist(), keys, strict=True):
            if key in place:
                code[row] = place[key] + 1
        return code

    def presolved(
        self, eligible: npt.NDArray[np.bool_], rank: Codes, needs: Any, include: frozenset[CourseKey]
    ) -> npt.NDArray[np.bool_]:
        """The eligible rows ``Presolve.prune`` keeps (see ``prune.best_in_groups``); a course she added
        to her plan (``include``) is a group of its own and always kept, as there."""
        memo = CreditMemo(needs)
        facts = [memo.facts(credits) for credits in self.credits]
        pinned = self.pinned(include)
        useful = eligible & (np.array([f.useful for f in facts], dtype=bool)[self.credit_code] | (pinned > 0))
        index = np.flatnonzero(useful)
        cols = self.rows.columns
        price_code, member_code = cols["price"].codes[index], cols["member_price"].codes[index]
        provider_code = cols["provider"].codes[index]
        # all group_key reads of the prices: none, zero or other (list price); none or not (member)
        price_kind = np.array([2 if p is None else int(p == 0) for p in self.price], dtype=np.int64)
        member_none = np.array([m is None for m in self.member], dtype=np.int64)
        combined = _combine(
            self.credit_code[index],
            self.offers_code[index],
            provider_code,
            price_kind[price_code],
            member_none[member_code],
            pinned[index],
        )
        groups: dict[Hashable, int] = {}
        group_of: list[int] = []
        copies: list[int] = []
        for row in _firsts(combined).tolist():
            price, member = self.price[price_code[row]], self.member[member_code[row]]
            fact = facts[self.credit_code[index[row]]]
            provider = cols["provider"].values[provider_code[row]]
            key: Hashable = group_key(fact.signature, self.offer_keys[self.offers_code[index[row]]],
                                      self.member_offers(provider, member), price, member)  # fmt: skip
            if pinned[index[row]]:
                key = (PINNED, int(pinned[index[row]]))
            if key not in groups:
                groups[key] = len(groups)
                copies.append(1 if pinned[index[row]] else fact.copies)
            group_of.append(groups[key])
        group = np.array(group_of, dtype=np.int64)[combined]
        arrays = CourseArrays(
            group=group,
            copies=np.array(copies, dtype=np.int64)[group],
            price=np.array([NO_PRICE if p is None else p for p in self.price], dtype=float)[price_code],
            member=np.array([NO_PRICE if p is None else p for p in self.member], dtype=float)[member_code],
            hours=np.array([hundredths(h) for h in self.hours], dtype=float)[cols["hours"].codes[index]],
            interest=self._interest(index),
            rank=rank[index].astype(float),
        )
        keep = np.zeros(self.rows.size, dtype=bool)  # an added course is a group of one: always kept
        keep[index[best_in_groups(arrays)]] = True
        return keep

    def _interest(self, index: npt.NDArray[np.int64]) -> npt.NDArray[np.float64]:
        if not self.builder.interest:
            return np.full(len(index), float(interest_points(0.0)))
        keys = zip(self.rows.pylist("provider", index), self.rows.pylist("course_id", index), strict=True)
        return np.array(
            [interest_points(float(self.builder.interest.get(key, 0.0))) for key in keys], dtype=float
        )

    def options(self, index: npt.NDArray[np.int64], rank: Codes) -> list[CourseOption]:
        """The ``CourseOption`` of each row in ``index``."""
        cols = self.rows.columns
        names = ("provider", "course_id", "title", "url", "format")
        values = zip(*(self.rows.pylist(name, index) for name in names), strict=True)
        options = []
        for row, (provider, course_id, title, url, form) in zip(index.tolist(), values, strict=True):
            member = self.member[cols["member_price"].codes[row]]
            options.append(
                CourseOption(
                    provider=provider,
                    course_id=course_id,
                    title=title,
                    format=form,
                    hours=self.hours[cols["hours"].codes[row]],
                    price_cents=self.price[cols["price"].codes[row]],
                    member_price_cents=member,
                    credits=self.credits[self.credit_code[row]],
                    included_in=self.offer_keys[self.offers_code[row]],
                    member_offers=self.member_offers(provider, member),
                    interest=float(self.builder.interest.get((provider, course_id), 0.0)),
                    url=url,
                    rank=int(rank[row]),
                )
            )
        return options


def course_filter(profile: Profile, today: date) -> CourseFilter:
    """What ``profile`` filters courses by, for ``catalog.planner_columns`` (the same filters as
    ``_Builder.why_not`` and ``_Builder.in_cycle``)."""
    return CourseFilter(
        currency=CURRENCY,
        today=today,
        avoid=tuple(profile.limits.avoid_providers),
        formats=tuple(profile.limits.formats),
        taken=tuple(sorted(profile.already_taken)),
        cycle_ends=tuple(held.cycle_end for held in profile.credentials),
    )


def columnar_input(
    columns: PlannerColumns,
    profile: Profile,
    rules: Mapping[str, CredentialRules],
    interest_scores: Mapping[tuple[str, str], float],
    today: date,
    *,
    presolve: bool = False,
) -> PlanInput:
    """The planner's input for ``profile`` from the catalog's columns (``catalog.planner_columns`` read
    with ``course_filter(profile, today)``): equal to ``build_input`` over the catalog's records, or with
    ``presolve`` only the courses ``Presolve.prune`` keeps of it (and ``whole`` = the input without it)."""
    builder = _Builder(columns.offers, profile, rules, interest_scores, columns.inferred_areas, today)
    reader = _Reader(_Table(columns.courses, columns.inferred_areas), builder)
    eligible = np.ones(reader.rows.size, dtype=bool)
    eligible[list(reader.reasons)] = False
    rank = np.cumsum(eligible) - 1
    needs = tuple(credential_need(held, rules.get(held.id)) for held in profile.credentials)
    offer_options, limits = tuple(builder.offers.values()), limits_of(profile)
    chosen = reader.presolved(eligible, rank, needs, limits.include) if presolve else eligible
    excluded = (*builder.excluded, *reader.excluded())

    def whole() -> PlanInput:  # every eligible course, from the rows already read
        return PlanInput(
            needs, tuple(reader.options(np.flatnonzero(eligible), rank)), offer_options, limits, excluded
        )

    return PlanInput(
        needs=needs,
        courses=tuple(reader.options(np.flatnonzero(chosen), rank)),
        offers=offer_options,
        limits=limits,
        excluded=excluded,
        whole=whole if presolve else None,
    )
