"""The rules engine: one reader for every credential's rule file, and the counting arithmetic.

Rules are data (recommender/rules/credentials/<id>.toml, format in docs/rules-format.md); this module holds
no per-credential code. All amounts are ``Decimal`` in the credential's unit (see model.py); hours are
contact hours; dates are calendar days, both cycle ends inclusive; money is USD.
"""

from __future__ import annotations

import calendar
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

from catalog.records import Course
from recommender.rules.model import (
    ANY_AREA,
    NO_AREA,
    TOO_SHORT,
    ZERO,
    Contribution,
    Counted,
    CountingRule,
    Missing,
    Standing,
)

CREDENTIALS_DIR = Path(__file__).with_name("credentials")
CONFIDENCES: tuple[str, ...] = ("official", "official-old", "third-party", "low")
CYCLE_ANCHORS: tuple[str, ...] = ("end_of_month", "same_day")
CREDIT_WINDOWS: tuple[str, ...] = ("cycle", "calendar_year_before_end")
AFTER_LATE: tuple[str, ...] = ("exam_required", "decertified", "lost")
# Ways to send a recertification application; a rule file names the ones its body offers.
APPLY_ROUTES: tuple[str, ...] = ("online", "mail", "expedited", "phone")
DEFAULT_APPLY_ROUTE = "online"
# Overridable without a note: fees are never rules of counting, so a user may always set their own.
FEE_PARAMS: tuple[str, ...] = (
    "renewal_fee_usd",
    "renewal_fee_member_usd",
    "renewal_fee_nonmember_usd",
    "reactivation_fee_usd",
    "late_fee_usd",
    "exam_fee_usd",
    "exam_fee_member_usd",
    "exam_fee_nonmember_usd",
)


class RulesError(ValueError):
    """A credential rule file (or an override of it) is wrong: names the credential, field and problem."""


@dataclass(frozen=True)
class Param:
    """One rule value with where it comes from.

    ``as_of`` is the date the source page states ("undated, read 2026" when it shows none);
    ``unverified`` means no official source confirms the value (it may then be overridden by the profile);
    ``overridden`` means the value comes from the user's profile, not the rule file.
    """

    name: str
    value: Any
    source: str
    as_of: str
    confidence: str
    unverified: bool = False
    note: str | None = None
    overridden: bool = False

    @property
    def unconfirmed(self) -> bool:
        """True when the product must label the value as not confirmed."""
        return self.unverified or self.overridden or self.value is None


@dataclass(frozen=True)
class CycleRule:
    """How long a cycle lasts (``months``) and how its end follows from its start date.

    ``anchor`` "end_of_month": the cycle ends on the last day of the month ``months`` after the start
    month (AAMA). "same_day": it ends on the same day of the month ``months`` later, clamped to the
    month's last day (AMT, NHA, NCCT, AMCA). ``credit_window`` "cycle": credit must be dated inside the
    cycle; "calendar_year_before_end": from 1 January of the year before the year the cycle ends (NCCT).
    """

    months: int
    anchor: str = "same_day"
    credit_window: str = "cycle"

    def end_from_start(self, start: date) -> date:
        """The last day of the cycle that starts on ``start`` (inclusive)."""
        if self.anchor == "end_of_month":
            return month_end(add_months(start.replace(day=1), self.months))
        return add_months(start, self.months)

    def start_from_end(self, end: date) -> date:
        """The earliest start consistent with a cycle ending on ``end`` (the user gave only the end)."""
        if self.anchor == "end_of_month":
            return add_months(end.replace(day=1), -self.months)
        return add_months(end, -self.months)

    def credit_from(self, start: date, end: date) -> date:
        """The first day on which credit counts for the cycle ``start``–``end``."""
        if self.credit_window == "calendar_year_before_end":
            return min(start, date(end.year - 1, 1, 1))
        return start


@dataclass(frozen=True)
class FeeRule:
    """Renewal fees in USD (``None`` = not confirmed anywhere); ``every_months`` between payments."""

    renewal_usd: Decimal | None
    member_usd: Decimal | None
    nonmember_usd: Decimal | None
    every_months: int


@dataclass(frozen=True)
class LateRule:
    """What happens after the cycle end without recertification.

    Within the late window after the end one may still ``in_window`` (words), paying ``fee_usd``
    (reactivation/reinstatement, ``None`` = unknown); after it, ``after_window`` applies: "exam_required",
    "decertified" or "lost". The window is ``window_days`` days or ``window_months`` months; a rule giving
    both (AAMA: "90 days" and "three months" on different official pages) ends at the earlier of the two.
    ``month_end_anchor``: cycles end on a month's last day, so "n months after" is the last day of the
    n-th month after (three months after 31 Jan is 30 Apr).
    """

    window_days: int
    window_months: int
    in_window: str
    after_window: str
    fee_usd: Decimal | None
    after_fee_usd: Decimal | None
    month_end_anchor: bool = False

    def readings(self, cycle_end: date) -> tuple[tuple[str, date], ...]:
        """Each wording of the window with the last day it gives, e.g. (("90 days", d1), ("3 months", d2))."""
        found: list[tuple[str, date]] = []
        if self.window_days:
            found.append((f"{self.window_days} days", cycle_end + timedelta(days=self.window_days)))
        if self.window_months:
            months_end = add_months(cycle_end, self.window_months)
            if self.month_end_anchor:
                months_end = month_end(months_end)
            found.append((f"{self.window_months} months", months_end))
        return tuple(found)

    def window_end(self, cycle_end: date) -> date:
        """The last day of the late window: the earliest reading (the cycle end itself when there is none)."""
        return min((day for _, day in self.readings(cycle_end)), default=cycle_end)


@dataclass(frozen=True)
class ApplyRule:
    """How long the body takes to process an application, per route, in calendar days.

    ``processing_days``: days per route when the application includes credit not approved by the body
    (AAMA: mail 30, online 21 — "2–3 weeks", expedited 7 — "5–7 days"); ``instant_routes``: routes
    processed at once when all counted credit is body-approved (AAMA: online, phone). Both empty: the
    body publishes no processing time (apply by the cycle end).
    """

    processing_days: Mapping[str, int] = field(default_factory=dict)
    instant_routes: tuple[str, ...] = ()

    @property
    def routes(self) -> tuple[str, ...]:
        """Every route the body offers, in the order of ``APPLY_ROUTES``."""
        offered = set(self.processing_days) | set(self.instant_routes)
        return tuple(route for route in APPLY_ROUTES if route in offered)


@dataclass(frozen=True)
class FirstRecertRule:
    """A first recertification may count credit earned in the ``months_before`` months before the initial
    certification, at most ``max_units`` units (AAMA e-Update, Nov 2023: 3 months, 20 points; low
    confidence). ``months_before`` 0: no such rule."""

    months_before: int = 0
    max_units: Decimal = ZERO


@dataclass(frozen=True)
class CredentialRules:
    """A credential's full rule: counting, cycle, fees, late rules, and every value's source."""

    id: str
    name: str
    body: str
    body_name: str
    unit: str
    unit_name: str
    counting: CountingRule
    cycle: CycleRule
    fees: FeeRule
    late: LateRule
    params: Mapping[str, Param] = field(default_factory=dict)
    notes: tuple[str, ...] = ()
    apply: ApplyRule = field(default_factory=ApplyRule)
    first_recert: FirstRecertRule = field(default_factory=FirstRecertRule)
    exam_max_attempts: int | None = None

    @property
    def unconfirmed(self) -> tuple[str, ...]:
        """Names of the values the product must label as unconfirmed (unverified or user-set)."""
        return tuple(name for name, param in self.params.items() if param.unconfirmed)


# --- dates -----------------------------------------------------------------------------------------------


def month_end(day: date) -> date:
    """The last day of ``day``'s month."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` calendar months, clamped to the target month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


# --- loading ---------------------------------------------------------------------------------------------


def list_credentials() -> tuple[str, ...]:
    """Ids of every credential with a rule file, sorted."""
    return tuple(sorted(path.stem for path in CREDENTIALS_DIR.glob("*.toml")))


@cache
def credential_aliases() -> Mapping[str, str]:
    """Former ids still accepted (a rule file's ``aliases``) → the credential's id."""
    found: dict[str, str] = {}
    for credential_id in list_credentials():
        for alias in _read_file(credential_id).get("aliases", []):
            found[str(alias)] = credential_id
    return found


def canonical_id(credential_id: str) -> str:
    """The credential's id for ``credential_id`` or one of its former ids (aliases); unknown ids unchanged."""
    return credential_aliases().get(credential_id, credential_id)


def load_rule(credential_id: str, overrides: Mapping[str, Any] | None = None) -> CredentialRules:
    """The rule of ``credential_id``, with the profile's ``overrides`` (unconfirmed values only) applied.

    Raises RulesError for an unknown credential, a broken rule file or an override that isn't allowed.
    """
    credential_id = canonical_id(credential_id)
    params = dict(_file_params(credential_id))
    for name, value in (overrides or {}).items():
        params[name] = _override(credential_id, params, name, value)
    return _build(credential_id, params)


@cache
def _read_file(credential_id: str) -> Mapping[str, Any]:
    if credential_id not in list_credentials():
        known = ", ".join(list_credentials())
        raise RulesError(f"{credential_id!r} is not a known credential (known: {known})")
    path = CREDENTIALS_DIR / f"{credential_id}.toml"
    with path.open("rb") as handle:
        raw = tomllib.load(handle, parse_float=Decimal)
    if raw.get("id") != credential_id:
        raise RulesError(f"{credential_id}: the file's id is {raw.get('id')!r}")
    base_id = raw.pop("extends", None)
    if base_id is None:
        return raw
    if base_id == credential_id:
        raise RulesError(f"{credential_id}.extends: a credential cannot extend itself")
    # A credential sharing another's rules (NHA certifications) names it; its own keys win.
    return {**_read_file(str(base_id)), **raw}


@cache
def _file_params(credential_id: str) -> Mapping[str, Param]:
    raw = _read_file(credential_id)
    sources = raw.get("sources", {})
    params: dict[str, Param] = {}
    for name, spec in raw.get("rule", {}).items():
        where = f"{credential_id}: rule.{name}"
        if not isinstance(spec, Mapping):
            raise RulesError(f"{where}: must be a table with value, source, as_of")
        source = str(spec.get("source", ""))
        source = str(sources.get(source, source))
        if not source.startswith(("http://", "https://")):
            raise RulesError(f"{where}.source: must be an http(s) URL or a key of [sources], got {source!r}")
        confidence = str(spec.get("confidence", ""))
        if confidence not in CONFIDENCES:
            raise RulesError(f"{where}.confidence: must be one of {', '.join(CONFIDENCES)}")
        if "as_of" not in spec:
            raise RulesError(f"{where}.as_of: is required (the page's date, or 'undated, read 2026')")
        unverified = bool(spec.get("unverified", False))
        if "value" not in spec and not unverified:
            raise RulesError(f"{where}: a rule without a value must say unverified = true")
        params[name] = Param(
            name=name,
            value=spec.get("value"),
            source=source,
            as_of=str(spec["as_of"]),
            confidence=confidence,
            unverified=unverified or confidence == "low",
            note=spec.get("note"),
        )
    return params


def _override(credential_id: str, params: Mapping[str, Param], name: str, value: Any) -> Param:
    current = params.get(name)
    if current is None and name not in FEE_PARAMS:
        allowed = ", ".join(sorted(n for n, p in params.items() if p.unconfirmed or n in FEE_PARAMS))
        raise RulesError(f"{credential_id}.{name}: is not a rule of {credential_id} (can set: {allowed})")
    if current is not None and not current.unconfirmed and name not in FEE_PARAMS:
        raise RulesError(
            f"{credential_id}.{name}: is confirmed by {current.source}; only unconfirmed values can be set"
        )
    return Param(
        name=name,
        value=value,
        source=current.source if current else "https://example.invalid/your-profile",
        as_of=current.as_of if current else "your profile",
        confidence=current.confidence if current else "low",
        unverified=current.unverified if current else True,
        note="set in your profile",
        overridden=True,
    )


class _Values:
    """Typed reads of a credential's params, each error naming the credential and rule."""

    def __init__(self, credential_id: str, params: Mapping[str, Param]):
        self.credential_id = credential_id
        self.params = params

    def raw(self, name: str, default: Any = None) -> Any:
        param = self.params.get(name)
        return default if param is None or param.value is None else param.value

    def decimal(self, name: str, default: Decimal | None = None) -> Decimal | None:
        value = self.raw(name)
        if value is None:
            return default
        if isinstance(value, bool) or not isinstance(value, int | Decimal | float | str):
            raise RulesError(f"{self.credential_id}.{name}: must be a number, got {value!r}")
        try:
            number = Decimal(str(value))
        except ArithmeticError:
            raise RulesError(f"{self.credential_id}.{name}: must be a number, got {value!r}") from None
        if not number.is_finite() or number < 0:
            raise RulesError(f"{self.credential_id}.{name}: must be a number ≥ 0, got {value!r}")
        return number

    def required(self, name: str) -> Decimal:
        number = self.decimal(name)
        if number is None:
            raise RulesError(f"{self.credential_id}.{name}: needs a value (set it under overrides)")
        return number

    def integer(self, name: str, default: int) -> int:
        number = self.optional_integer(name)
        return default if number is None else number

    def optional_integer(self, name: str) -> int | None:
        number = self.decimal(name)
        if number is None:
            return None
        if number != number.to_integral_value():
            raise RulesError(f"{self.credential_id}.{name}: must be a whole number, got {number}")
        return int(number)

    def choice(self, name: str, choices: tuple[str, ...], default: str) -> str:
        value = str(self.raw(name, default))
        if value not in choices:
            raise RulesError(f"{self.credential_id}.{name}: must be one of {', '.join(choices)}")
        return value

    def minimums(self, areas: tuple[str, ...]) -> dict[str, Decimal]:
        value = self.raw("area_minimums", {})
        if not isinstance(value, Mapping) or any(area not in areas for area in value):
            names = ", ".join(areas)
            raise RulesError(f"{self.credential_id}.area_minimums: must map areas ({names}) to units")
        return {area: self.decimal_of(f"area_minimums.{area}", value[area]) for area in value}

    def decimal_of(self, name: str, value: Any) -> Decimal:
        return _Values(self.credential_id, {name: Param(name, value, "", "", "official")}).required(name)


def _build(credential_id: str, params: Mapping[str, Param]) -> CredentialRules:
    raw = _read_file(credential_id)
    values = _Values(credential_id, params)
    areas = tuple(raw.get("areas", [ANY_AREA]))
    counting = CountingRule(
        credential_id=credential_id,
        name=str(raw["name"]),
        body=str(raw["body"]),
        unit=str(raw["unit"]),
        areas=areas,
        total_required=values.required("total_required"),
        area_minimums=values.minimums(areas),
        approved_minimum=values.decimal("approved_minimum", ZERO) or ZERO,
        other_cap=values.decimal("other_cap"),
        cpr_points=values.decimal("cpr_points", ZERO) or ZERO,
        cpr_area=str(values.raw("cpr_area", areas[0])),
        cpr_max_cards=values.optional_integer("cpr_max_cards"),
        min_outside_hours=values.decimal("min_outside_hours", ZERO) or ZERO,
        unverified=tuple(name for name, param in params.items() if param.unconfirmed),
        hours_per_unit=values.decimal("hours_per_unit", Decimal(1)) or Decimal(1),
        college_credit_units=values.decimal("college_credit_units"),
    )
    if counting.cpr_area not in areas:
        raise RulesError(f"{credential_id}.cpr_area: must be one of {', '.join(areas)}")
    cycle_months = values.integer("cycle_months", 0)
    if cycle_months <= 0:
        raise RulesError(f"{credential_id}.cycle_months: must be a whole number of months > 0")
    return CredentialRules(
        id=credential_id,
        name=counting.name,
        body=counting.body,
        body_name=str(raw.get("body_name", counting.body)),
        unit=counting.unit,
        unit_name=str(raw.get("unit_name", counting.unit)),
        counting=counting,
        cycle=CycleRule(
            months=cycle_months,
            anchor=values.choice("cycle_anchor", CYCLE_ANCHORS, "same_day"),
            credit_window=values.choice("credit_window", CREDIT_WINDOWS, "cycle"),
        ),
        fees=FeeRule(
            renewal_usd=values.decimal("renewal_fee_usd"),
            member_usd=values.decimal("renewal_fee_member_usd"),
            nonmember_usd=values.decimal("renewal_fee_nonmember_usd"),
            every_months=values.integer("fee_every_months", cycle_months),
        ),
        late=LateRule(
            window_days=values.integer("late_window_days", 0),
            window_months=values.integer("late_window_months", 0),
            in_window=str(values.raw("late_in_window", "recertify late")),
            after_window=values.choice("after_late_window", AFTER_LATE, "exam_required"),
            fee_usd=values.decimal("late_fee_usd"),
            after_fee_usd=values.decimal("reactivation_fee_usd"),
            month_end_anchor=values.choice("cycle_anchor", CYCLE_ANCHORS, "same_day") == "end_of_month",
        ),
        params=dict(params),
        notes=tuple(str(note) for note in raw.get("notes", [])),
        apply=_apply_rule(values),
        first_recert=FirstRecertRule(
            months_before=values.integer("first_recert_months_before", 0),
            max_units=values.decimal("first_recert_max_units", ZERO) or ZERO,
        ),
        exam_max_attempts=values.optional_integer("exam_max_attempts"),
    )


def _apply_rule(values: _Values) -> ApplyRule:
    """Processing days per route and the instant routes, each route checked against ``APPLY_ROUTES``."""
    where = values.credential_id
    days = values.raw("processing_days", {})
    if not isinstance(days, Mapping):
        raise RulesError(f"{where}.processing_days: must map routes ({', '.join(APPLY_ROUTES)}) to days")
    instant = values.raw("instant_routes", [])
    if not isinstance(instant, list):
        raise RulesError(f"{where}.instant_routes: must be a list of routes ({', '.join(APPLY_ROUTES)})")
    for route in [*days, *instant]:
        if route not in APPLY_ROUTES:
            raise RulesError(f"{where}: {route!r} is not a route ({', '.join(APPLY_ROUTES)})")
    processing = {
        str(route): int(values.decimal_of(f"processing_days.{route}", value)) for route, value in days.items()
    }
    return ApplyRule(processing, tuple(str(route) for route in instant))


# --- counting --------------------------------------------------------------------------------------------


def _scaled(amounts: Mapping[str, Decimal], factor: Decimal) -> dict[str, Decimal]:
    return {area: amount * factor for area, amount in amounts.items() if amount > 0}


def format_units(amount: Decimal) -> str:
    """An amount for display: at most 2 decimals, no trailing zeros (1.5, 10)."""
    text = f"{amount.quantize(Decimal('0.01')):f}".rstrip("0").rstrip(".")
    return text or "0"


def contribution(
    course: Course,
    rule: CountingRule,
    *,
    inferred_area: str | None = None,
    allow_inferred: bool = False,
) -> Contribution:
    """What ``course`` would give ``rule``'s credential, in its unit, before caps and cycle dates.

    - A CPR card (``kind == "cpr_card"``) gives ``cpr_points`` approved units in ``cpr_area`` when the
      credential has a CPR rule; otherwise it counts by its hours like any course.
    - A course approved by the credential's own body gives that approval's credits as approved units
      (AAMA: its per-area credits, whatever its length).
    - Anything else gives its content-area hours ÷ ``hours_per_unit`` as other units, only if it lasts
      ``min_outside_hours``; a college credit gives ``college_credit_units`` per credit.
    ``inferred_area`` (a classifier's guess) is used for a course without areas only if ``allow_inferred``.
    """
    if course.kind == "cpr_card" and rule.cpr_points > 0:
        return Contribution(
            rule.credential_id,
            True,
            approved={rule.cpr_area: rule.cpr_points},
            cpr_card=True,
            reasons=(
                f"a CPR card gives {format_units(rule.cpr_points)} {rule.cpr_area} {rule.body} {rule.unit}s",
            ),
        )
    approval = course.approval(rule.body)
    if approval is not None:
        return _approved(course, rule, approval.credits, approval.categories, inferred_area, allow_inferred)
    return _outside(course, rule, inferred_area, allow_inferred)


def _approved(
    course: Course,
    rule: CountingRule,
    credits: Decimal,
    categories: Mapping[str, Decimal],
    inferred_area: str | None,
    allow_inferred: bool,
) -> Contribution:
    words = f"{rule.body}-approved for {format_units(credits)} {rule.unit}s"
    if not rule.has_areas:
        return Contribution(rule.credential_id, True, approved={ANY_AREA: credits}, reasons=(words,))
    if categories:
        split = ", ".join(f"{format_units(v)} {k}" for k, v in categories.items())
        return Contribution(
            rule.credential_id, True, approved=dict(categories), reasons=(f"{words} ({split})",)
        )
    how = ", split by the course's content areas"
    return _split_by_time(course, rule, credits, words, how, inferred_area, allow_inferred, approved=True)


def _areas_of(
    course: Course, inferred_area: str | None, allow_inferred: bool
) -> tuple[dict[str, Decimal], bool, str]:
    """(hours per area, whether the area is a guess, words) for a course."""
    if course.content_areas:
        return dict(course.content_areas), False, ""
    if inferred_area and allow_inferred:
        return {inferred_area: course.hours}, True, f" (area {inferred_area} inferred, not stated)"
    if inferred_area:
        return {}, False, f"no area is stated (a guess says {inferred_area}; allow inferred areas to use it)"
    return {}, False, "no area is stated"


def _outside(
    course: Course, rule: CountingRule, inferred_area: str | None, allow_inferred: bool
) -> Contribution:
    if course.kind == "college_credit":
        return _college(course, rule, inferred_area, allow_inferred)
    return _by_hours(course, rule, inferred_area, allow_inferred)


def _by_hours(
    course: Course, rule: CountingRule, inferred_area: str | None, allow_inferred: bool
) -> Contribution:
    """Outside credit from contact hours: hours ÷ ``hours_per_unit`` per area, if long enough."""
    if course.hours < rule.min_outside_hours:
        return Contribution(
            rule.credential_id,
            False,
            reasons=(
                f"not {rule.body}-approved and under {format_units(rule.min_outside_hours)} contact hour"
                f"{'s' if rule.min_outside_hours != 1 else ''} ({format_units(course.hours)} h)",
            ),
            why_not=TOO_SHORT,
        )
    factor = 1 / rule.hours_per_unit
    per = "" if rule.hours_per_unit == 1 else f" ({format_units(rule.hours_per_unit)} hours = 1 {rule.unit})"
    if not rule.has_areas:
        units = course.hours * factor
        words = f"outside credit: {format_units(course.hours)} h = {format_units(units)} {rule.unit}s{per}"
        return Contribution(rule.credential_id, True, other={ANY_AREA: units}, reasons=(words,))
    areas, inferred, why = _areas_of(course, inferred_area, allow_inferred)
    if not areas:
        return Contribution(
            rule.credential_id, False, reasons=(f"not {rule.body}-approved and {why}",), why_not=NO_AREA
        )
    other = _scaled(areas, factor)
    split = ", ".join(f"{format_units(v)} {k}" for k, v in other.items())
    return Contribution(
        rule.credential_id,
        True,
        other=other,
        uses_inferred_area=inferred,
        reasons=(f"not {rule.body}-approved: counts as outside credit, {split} {rule.unit}s{per}{why}",),
    )


def college_credits(course: Course) -> Decimal:
    """College credits of a ``college_credit`` course: ``extras["college_credits"]``, else hours ÷ 15."""
    stated = course.extras.get("college_credits")
    if stated is not None:
        return Decimal(str(stated))
    return course.hours / 15


def _college(
    course: Course, rule: CountingRule, inferred_area: str | None, allow_inferred: bool
) -> Contribution:
    if rule.college_credit_units is None:
        by_hours = _by_hours(course, rule, inferred_area, allow_inferred)
        unknown = f"{rule.body}'s conversion of college credit is not confirmed: counted by contact hours"
        return replace(by_hours, reasons=(unknown, *by_hours.reasons))
    credits = college_credits(course)
    units = credits * rule.college_credit_units
    per_credit = format_units(rule.college_credit_units)
    words = (
        f"college credit: {format_units(credits)} credits × {per_credit} = {format_units(units)} {rule.unit}s"
    )
    if not rule.has_areas:
        return Contribution(rule.credential_id, True, other={ANY_AREA: units}, reasons=(words,))
    how = " as outside credit, split by time per area"
    return _split_by_time(course, rule, units, words, how, inferred_area, allow_inferred, approved=False)


def _split_by_time(
    course: Course,
    rule: CountingRule,
    units: Decimal,
    words: str,
    how: str,
    inferred_area: str | None,
    allow_inferred: bool,
    *,
    approved: bool,
) -> Contribution:
    """``units`` spread over the course's content areas in proportion to the hours in each (approved or
    outside credit); no areas → it does not count."""
    areas, inferred, why = _areas_of(course, inferred_area, allow_inferred)
    if not areas:
        return Contribution(rule.credential_id, False, reasons=(f"{words}, but {why}",), why_not=NO_AREA)
    total_hours = sum(areas.values(), ZERO)
    split = {area: units * hours / total_hours for area, hours in areas.items()}
    return Contribution(
        rule.credential_id,
        True,
        approved=split if approved else {},
        other={} if approved else split,
        uses_inferred_area=inferred,
        reasons=(f"{words}{how}{why}",),
    )


def add(standing: Standing, contribution: Contribution) -> Standing:
    """``standing`` plus one course's ``contribution`` (caps are applied later, by ``count``)."""
    if not contribution.counts:
        return standing
    return Standing(
        approved=_plus(standing.approved, contribution.approved),
        other=_plus(standing.other, contribution.other),
        cpr_cards=standing.cpr_cards + (1 if contribution.cpr_card else 0),
        early=standing.early,
    )


def _plus(left: Mapping[str, Decimal], right: Mapping[str, Decimal]) -> dict[str, Decimal]:
    total = dict(left)
    for area, amount in right.items():
        total[area] = total.get(area, ZERO) + amount
    return total


def _approved_counted(rule: CountingRule, standing: Standing) -> dict[str, Decimal]:
    """Approved units per area, with points of CPR cards beyond the card cap taken out."""
    approved = {area: standing.approved.get(area, ZERO) for area in rule.areas}
    if rule.cpr_max_cards is not None and standing.cpr_cards > rule.cpr_max_cards:
        excess = (standing.cpr_cards - rule.cpr_max_cards) * rule.cpr_points
        approved[rule.cpr_area] = max(ZERO, approved[rule.cpr_area] - excess)
    return approved


def _outside_use(
    rule: CountingRule, approved: Mapping[str, Decimal], standing: Standing
) -> dict[str, Decimal]:
    """z_k: outside units counted per area — first where an area minimum is short, then anywhere, ≤ cap."""
    room = rule.other_cap
    use = dict.fromkeys(rule.areas, ZERO)
    for fill_shortfall in (True, False):
        for area in rule.areas:
            available = standing.other.get(area, ZERO) - use[area]
            if fill_shortfall:
                short = rule.area_minimums.get(area, ZERO) - approved[area]
                available = min(available, max(ZERO, short))
            take = available if room is None else min(available, room)
            if take <= 0:
                continue
            use[area] += take
            if room is not None:
                room -= take
    return use


def count(rule: CountingRule, standing: Standing) -> Counted:
    """Credit that counts: approved units (CPR cap applied) plus the best use of outside units under the cap.

    CMA: counted_k = aama_k + z_k with 0 ≤ z_k ≤ other_k and Σ z_k ≤ 30, z chosen to cover area
    minimums first. Units of areas the rule doesn't track are ignored.
    """
    approved = _approved_counted(rule, standing)
    use = _outside_use(rule, approved, standing)
    areas = {area: approved[area] + use[area] for area in rule.areas}
    counted_cards = standing.cpr_cards
    if rule.cpr_max_cards is not None:
        counted_cards = min(counted_cards, rule.cpr_max_cards)
    return Counted(
        areas=areas,
        total=sum(areas.values(), ZERO),
        approved=sum(approved.values(), ZERO),
        other=sum(use.values(), ZERO),
        other_earned=sum((standing.other.get(area, ZERO) for area in rule.areas), ZERO),
        other_cap=rule.other_cap,
        cpr_cards=counted_cards,
    )


def missing(rule: CountingRule, standing: Standing) -> Missing:
    """What is still needed after the best use of outside credit: total, approved, per-area minimums."""
    counted = count(rule, standing)
    return Missing(
        total=max(ZERO, rule.total_required - counted.total),
        approved=max(ZERO, rule.approved_minimum - counted.approved),
        areas={
            area: max(ZERO, minimum - counted.areas.get(area, ZERO))
            for area, minimum in rule.area_minimums.items()
        },
    )


def cpr_cards_left(rule: CountingRule, standing: Standing) -> int | None:
    """How many more CPR cards can count this cycle (``None`` = no card limit)."""
    if rule.cpr_max_cards is None:
        return None
    return max(0, rule.cpr_max_cards - standing.cpr_cards)
