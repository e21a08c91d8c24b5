"""Builds the planner's plain inputs from course records and a profile (the only place that knows both).

Sources: the catalog's records (``catalog.queries.snapshot``, read by ``recert.planning``) or a
course-record JSONL file (``catalog.records.read_jsonl_file``); it reads neither itself. Filtering happens
here, each left-out course with its reason in words: already taken, unwanted format or provider, not sold in
US dollars, not available before the cycle ends, sold only through an offer that isn't in the list, or
giving nothing to any held credential. Money becomes whole cents; hours stay contact hours; credit is in
each credential's unit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from catalog.records import Course, Offer
from catalog.registry import format_name, provider_name
from recommender.planner.model import (
    CourseCredit,
    CourseOption,
    CredentialNeed,
    Exclusion,
    Limits,
    OfferKey,
    OfferOption,
    PlanInput,
)
from recommender.rules.engine import CredentialRules, contribution, cpr_cards_left
from recommender.rules.profile import HeldCredential, Profile

CURRENCY = "USD"
CENT = Decimal("0.01")


def cents(amount: Decimal) -> int:
    """Whole cents of a dollar amount (half a cent rounds up)."""
    return int((amount / CENT).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def credential_need(held: HeldCredential, rules: CredentialRules | None = None) -> CredentialNeed:
    """What a held credential still requires, with the profile's earned credit, in its unit."""
    rule = (rules or held.rules).counting
    standing = held.standing
    return CredentialNeed(
        credential_id=rule.credential_id,
        name=rule.name,
        body=rule.body,
        unit=rule.unit,
        areas=rule.areas,
        total_required=rule.total_required,
        area_minimums=dict(rule.area_minimums),
        approved_minimum=rule.approved_minimum,
        other_cap=rule.other_cap,
        cpr_cards_left=cpr_cards_left(rule, standing),
        earned_approved={a: v for a, v in standing.approved.items() if a in rule.areas},
        earned_other={a: v for a, v in standing.other.items() if a in rule.areas},
    )


def _matches(ids: Iterable[str], provider: str, item_id: str) -> bool:
    wanted = set(ids)
    return item_id in wanted or f"{provider}/{item_id}" in wanted


def credit_key(course: Course, inferred_area: str | None) -> tuple[object, ...]:
    """Everything ``rules.engine.contribution`` reads of a course: equal keys give equal credit."""
    college = course.extras.get("college_credits") if course.kind == "college_credit" else None
    return (
        course.kind,
        course.hours,
        tuple(sorted(course.content_areas.items())),
        tuple((a.body, a.credits, tuple(sorted(a.categories.items()))) for a in course.approvals),
        None if college is None else str(college),
        None if course.content_areas else inferred_area,
    )


class _Builder:
    def __init__(
        self,
        offers: Iterable[Offer],
        profile: Profile,
        rules: Mapping[str, CredentialRules],
        interest_scores: Mapping[tuple[str, str], float],
        inferred_areas: Mapping[tuple[str, str], str],
        today: date,
    ):
        self.profile = profile
        self.rules = rules
        self.interest = interest_scores
        self.inferred = inferred_areas
        self.today = today
        self.excluded: list[Exclusion] = []
        self.offers: dict[OfferKey, OfferOption] = {}
        for offer in sorted(offers, key=lambda o: o.key):
            if offer.currency != CURRENCY:
                reason = f"priced in {offer.currency}, not US dollars"
                self.excluded.append(Exclusion(offer.key, offer.name, reason))
                continue
            held = _matches(profile.memberships, offer.provider, offer.offer_id)
            self.offers[offer.key] = OfferOption(
                offer.provider, offer.offer_id, offer.name, offer.kind, cents(offer.price), held
            )
        self.by_id: dict[str, list[OfferKey]] = {}
        self.memberships: dict[str, tuple[OfferKey, ...]] = {}
        for key, option in self.offers.items():
            self.by_id.setdefault(key[1], []).append(key)
            if option.kind == "membership":
                self.memberships[key[0]] = (*self.memberships.get(key[0], ()), key)
        self.taken = set(profile.already_taken)
        self.formats = set(profile.limits.formats)
        self.avoid = set(profile.limits.avoid_providers)
        self.counting = [(held, self.rules.get(held.id, held.rules).counting) for held in profile.credentials]
        self.credit_memo: dict[tuple[object, ...], tuple[CourseCredit | None, ...]] = {}
        self.credit_tuples: dict[tuple[object, ...], tuple[CourseCredit, ...]] = {}

    def offer_keys(self, provider: str, included_in: Iterable[str]) -> tuple[OfferKey, ...]:
        """The listed offers a course of ``provider`` is included in (its own provider's offer first)."""
        keys: list[OfferKey] = []
        for offer_id in included_in:
            own = (provider, offer_id)
            keys.extend([own] if own in self.offers else self.by_id.get(offer_id, []))
        return tuple(dict.fromkeys(keys))

    def why_not(self, course: Course) -> str | None:
        """Why the profile's filters leave ``course`` out (None: they keep it)."""
        if course.course_id in self.taken or f"{course.provider}/{course.course_id}" in self.taken:
            return "already taken"
        if self.formats and course.format not in self.formats:
            return f"{format_name(course.format).lower()}, not a format you accept"
        if course.provider in self.avoid:
            return f"from {provider_name(course.provider)}, a provider you avoid"
        if course.currency != CURRENCY:
            return f"priced in {course.currency}, not US dollars (no exchange rate is assumed)"
        if course.available_until is not None and course.available_until < self.today:
            return f"no longer available (until {course.available_until})"
        return None

    def credit_per_credential(self, course: Course, inferred: str | None) -> tuple[CourseCredit | None, ...]:
        """What the course gives each held credential (None: nothing), computed once per credit key;
        ``inferred``: the ML model's area for it, if any."""
        key = credit_key(course, inferred)
        known = self.credit_memo.get(key)
        if known is not None:
            return known
        credits: list[CourseCredit | None] = []
        for _, rule in self.counting:
            given = contribution(
                course, rule, inferred_area=inferred, allow_inferred=self.profile.allow_inferred_areas
            )
            credits.append(
                CourseCredit(
                    rule.credential_id,
                    {a: v for a, v in given.approved.items() if v > 0 and a in rule.areas},
                    {a: v for a, v in given.other.items() if v > 0 and a in rule.areas},
                    given.cpr_card,
                    given.uses_inferred_area,
                )
                if given.counts
                else None
            )
        self.credit_memo[key] = tuple(credits)
        return self.credit_memo[key]

    def in_cycle(self, starts: date | None) -> tuple[bool, ...]:
        """Per held credential: does a course starting on ``starts`` start before its cycle ends."""
        return tuple(
            not (starts is not None and held.cycle_end is not None and starts > held.cycle_end)
            for held, _ in self.counting
        )

    def _credits(self, course: Course) -> tuple[CourseCredit, ...]:
        per_credential = self.credit_per_credential(course, self.inferred.get(course.key))
        return self.credits_in_cycle(per_credential, self.in_cycle(course.available_from))

    def credits_in_cycle(
        self, per_credential: tuple[CourseCredit | None, ...], in_cycle: tuple[bool, ...]
    ) -> tuple[CourseCredit, ...]:
        """The credit per held credential whose cycle the course starts in; equal credit is one shared
        tuple, so the presolve can group courses by it cheaply."""
        shared = self.credit_tuples.get((id(per_credential), in_cycle))  # memoised: ids are stable
        if shared is None:
            shared = tuple(
                credit
                for credit, ok in zip(per_credential, in_cycle, strict=True)
                if credit is not None and ok
            )
            self.credit_tuples[(id(per_credential), in_cycle)] = shared
        return shared

    def course(self, course: Course, rank: int | None = None) -> CourseOption | None:
        reason = self.why_not(course)
        if reason is not None:
            self.excluded.append(Exclusion(course.key, course.title, reason))
            return None
        included = self.offer_keys(course.provider, course.included_in) if course.included_in else ()
        if course.price is None and not included:
            self.excluded.append(
                Exclusion(course.key, course.title, "has no price and no offer in the list includes it")
            )
            return None
        credits = self._credits(course)
        if not credits:
            self.excluded.append(
                Exclusion(course.key, course.title, "gives no credit to any credential you hold")
            )
            return None
        return CourseOption(
            provider=course.provider,
            course_id=course.course_id,
            title=course.title,
            format=course.format,
            hours=course.hours,
            price_cents=None if course.price is None else cents(course.price),
            member_price_cents=None if course.member_price is None else cents(course.member_price),
            credits=credits,
            included_in=included,
            member_offers=self.memberships.get(course.provider, ())
            if course.member_price is not None
            else (),
            interest=float(self.interest.get(course.key, 0.0)),
            url=course.url,
            rank=rank,
        )


def build_input(
    courses: Iterable[Course],
    offers: Iterable[Offer],
    profile: Profile,
    *,
    rules: Mapping[str, CredentialRules] | None = None,
    interest_scores: Mapping[tuple[str, str], float] | None = None,
    inferred_areas: Mapping[tuple[str, str], str] | None = None,
    today: date | None = None,
) -> PlanInput:
    """The planner's input: held credentials' needs, eligible courses and offers, limits, exclusions."""
    rules = rules or {}
    builder = _Builder(
        offers, profile, rules, interest_scores or {}, inferred_areas or {}, today or date.today()
    )
    unique = {course.key: course for course in courses}  # a later record of the same course wins
    options: list[CourseOption] = []
    for key in sorted(unique):
        option = builder.course(unique[key], rank=len(options))
        if option is not None:
            options.append(option)
    needs = tuple(credential_need(held, rules.get(held.id)) for held in profile.credentials)
    return PlanInput(
        needs=needs,
        courses=tuple(options),
        offers=tuple(builder.offers.values()),
        limits=limits_of(profile),
        excluded=tuple(builder.excluded),
    )


def limits_of(profile: Profile) -> Limits:
    """The profile's limits that stay in the model: budget in cents, total contact hours, the courses
    she added to her plan."""
    limits = profile.limits
    return Limits(
        budget_cents=None if limits.budget is None else cents(limits.budget),
        max_hours=limits.max_hours,
        include=frozenset(profile.planned),
    )
