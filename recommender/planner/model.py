"""Plain inputs and results of the planner (frozen dataclasses, no DataFrames, no SQL).

Units: money is whole US cents (``int``) inside the solver and ``Decimal`` dollars in results; hours are
contact hours (``Decimal``); credit is in each credential's own unit (AAMA points, NHA credits, …).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from functools import cached_property

CourseKey = tuple[str, str]  # (provider, course_id)
OfferKey = tuple[str, str]  # (provider, offer_id)


class PlanStatus(Enum):
    """How a solve ended: a proven optimum, no plan can exist, or the time limit came first (the best
    plan found, if any). Not a ``str``: comparing it with a string is an error mypy reports."""

    OPTIMAL = "optimal"
    INFEASIBLE = "infeasible"
    TIME_LIMIT = "time_limit"


@dataclass(frozen=True)
class CredentialNeed:
    """What one held credential requires and what the profile has already earned, in its unit.

    ``areas`` are the credential's content areas (``("any",)`` when it has none). Earned credit is split
    into credit approved by the credential's own body and other (outside) credit, which counts only up to
    ``other_cap`` in total (``None`` = no cap).
    """

    credential_id: str
    name: str
    body: str
    unit: str
    areas: tuple[str, ...]
    total_required: Decimal
    area_minimums: Mapping[str, Decimal]
    approved_minimum: Decimal
    other_cap: Decimal | None
    cpr_cards_left: int | None
    earned_approved: Mapping[str, Decimal]
    earned_other: Mapping[str, Decimal]


@dataclass(frozen=True)
class CourseCredit:
    """What one course gives one credential: approved and other credit per area; a CPR card flag."""

    credential_id: str
    approved: Mapping[str, Decimal]
    other: Mapping[str, Decimal]
    cpr_card: bool = False
    uses_inferred_area: bool = False

    def signature(self) -> tuple[object, ...]:
        """A hashable form, equal for courses that give exactly the same credit."""
        return (
            self.credential_id,
            tuple(sorted(self.approved.items())),
            tuple(sorted(self.other.items())),
            self.cpr_card,
        )


@dataclass(frozen=True)
class CourseOption:
    """A course the plan may take. Prices in cents; ``price_cents`` None = sold only through an offer.

    ``included_in`` are the offers (subscription, membership, bundle) that make the course free while
    held; ``member_offers`` are the memberships that unlock ``member_price_cents``. ``rank`` orders the
    last tie-break (course id); it is fixed before any presolve so dropping courses never changes it.
    """

    provider: str
    course_id: str
    title: str
    format: str
    hours: Decimal
    price_cents: int | None
    member_price_cents: int | None
    credits: tuple[CourseCredit, ...]
    included_in: tuple[OfferKey, ...] = ()
    member_offers: tuple[OfferKey, ...] = ()
    interest: float = 0.0
    url: str = ""
    rank: int | None = None  # position among all eligible courses by (provider, course_id)

    @cached_property
    def key(self) -> CourseKey:
        return (self.provider, self.course_id)

    def credit_for(self, credential_id: str) -> CourseCredit | None:
        for credit in self.credits:
            if credit.credential_id == credential_id:
                return credit
        return None


@dataclass(frozen=True)
class OfferOption:
    """A subscription, membership or bundle; ``held`` ones are already owned and cost nothing more."""

    provider: str
    offer_id: str
    name: str
    kind: str
    price_cents: int
    held: bool = False

    @property
    def key(self) -> OfferKey:
        return (self.provider, self.offer_id)


@dataclass(frozen=True)
class Limits:
    """The profile's limits that stay in the model (formats/providers are filtered before it).

    ``include``: the courses the person added to her plan ("add to plan"); every one of them that is
    among the eligible courses is in every plan (row ``include[provider/course_id]``, kept by every
    presolve step). Those that are not eligible are named in the plan's notes."""

    budget_cents: int | None = None
    max_hours: Decimal | None = None
    include: frozenset[CourseKey] = frozenset()


@dataclass(frozen=True)
class Exclusion:
    """A course or offer left out before solving: its key, its title (an offer's name) and why, in
    words a person reads ("from Relias Academy, a provider you avoid")."""

    key: tuple[str, str]
    title: str
    reason: str


@dataclass(frozen=True)
class PlanInput:
    """Everything the solver sees. Courses and offers are eligible ones only (see ``excluded``).

    ``whole`` is set when ``courses`` were already presolved for the optimal plan alone (columnar.py:
    only the courses the presolve keeps, with their ranks among every eligible course): it returns the
    input with every eligible course, which runner-ups, variants and the reasons of an infeasible plan
    need."""

    needs: tuple[CredentialNeed, ...]
    courses: tuple[CourseOption, ...]
    offers: tuple[OfferOption, ...]
    limits: Limits = field(default_factory=Limits)
    excluded: tuple[Exclusion, ...] = ()
    whole: Callable[[], PlanInput] | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class Selection:
    """A set of courses and bought offers (held offers are implied) — one candidate plan."""

    courses: frozenset[CourseKey]
    offers: frozenset[OfferKey]


# --- Results ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChosenCourse:
    provider: str
    course_id: str
    title: str
    hours: Decimal
    price_paid: Decimal
    paid_as: str  # "list" | "member" | "included" | "free"
    via_offer: OfferKey | None
    credits: Mapping[str, Mapping[str, Decimal]]  # credential → area → credit counted toward it
    url: str = ""
    added: bool = False  # she added it to her plan (``Limits.include``)


@dataclass(frozen=True)
class ChosenOffer:
    provider: str
    offer_id: str
    name: str
    kind: str
    price: Decimal


@dataclass(frozen=True)
class CredentialTotals:
    """Counted credit for one credential after the plan (earned included), in its unit."""

    credential_id: str
    name: str
    unit: str
    counted_areas: Mapping[str, Decimal]
    counted_approved: Decimal
    counted_other: Decimal
    counted_total: Decimal
    required_total: Decimal
    plan_credit: Decimal
    cost_per_credit: Decimal | None


@dataclass(frozen=True)
class InfeasibleReason:
    """One requirement that cannot be met: which, how much is needed, the best achievable, in words."""

    requirement: str
    credential_id: str | None
    area: str | None
    needed: Decimal
    best: Decimal
    message: str
    within_limits: bool = False  # True: "best" respects the budget and hours limits


@dataclass(frozen=True)
class Alternative:
    """Another plan: a name (``runner_up_1``, ``fewest_hours``, …), its cost and what it changes."""

    name: str
    total_cost: Decimal
    hours: Decimal
    courses: tuple[CourseKey, ...]
    offers: tuple[OfferKey, ...]
    changes: str


@dataclass(frozen=True)
class PlanResult:
    status: PlanStatus
    total_cost: Decimal
    total_hours: Decimal
    courses: tuple[ChosenCourse, ...]
    offers: tuple[ChosenOffer, ...]
    credentials: tuple[CredentialTotals, ...]
    explanations: tuple[str, ...] = ()
    alternatives: tuple[Alternative, ...] = ()
    reasons: tuple[InfeasibleReason, ...] = ()
    notes: tuple[str, ...] = ()
    what_if: Mapping[str, object] = field(default_factory=dict)
    excluded: tuple[Exclusion, ...] = ()  # every course and offer left out before solving (notes sum up)
    same_cost_plans: int = 0  # plans as cheap that swap one course for an equal one (alternatives.py)

    @property
    def same_cost_words(self) -> str:
        """ "3 other plans cost the same, …" (empty when there are none, or alternatives weren't asked)."""
        if not self.same_cost_plans:
            return ""
        plans = "plan costs" if self.same_cost_plans == 1 else "plans cost"
        return (
            f"{self.same_cost_plans} other {plans} the same, each swapping one course for another of the "
            "same provider, format, price and credit."
        )
