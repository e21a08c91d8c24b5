"""Plain data for the rules engine: what a credential counts, what a user has earned, what is missing.

Every amount is a ``Decimal`` in the credential's own unit (``CountingRule.unit``): AAMA recertification
points, AMT CCP points, NHA CE credits, NCCT clock hours, AMCA CE credits. Hours are contact hours as the
provider states them. Areas are "administrative", "clinical", "general" — or the single key "any" for
credentials without content areas.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

ZERO = Decimal(0)
ANY_AREA = "any"
TOO_SHORT = "too_short"
NO_AREA = "no_area"


@dataclass(frozen=True)
class CountingRule:
    """How one credential counts continuing education (CE), in that credential's unit.

    - ``unit``: "point", "credit" or "clock_hour" — every amount below is in this unit.
    - ``areas``: the content areas the credential tracks, or ``("any",)``.
    - ``total_required``: units needed per cycle.
    - ``area_minimums``: units needed in each area (empty when there are none).
    - ``approved_minimum``: units that must come from the credential's own body (``body``); 0 if none.
    - ``other_cap``: the most units that may come from other sources (``None`` = no cap).
    - ``cpr_points``: units one CPR card gives in ``cpr_area``, counted as approved; 0 = no CPR rule
      (a CPR card then counts by its hours like any course).
    - ``cpr_max_cards``: CPR cards that may count per cycle, those already earned included.
    - ``min_outside_hours``: contact hours an outside (not ``body``-approved) course must last to count
      (AAMA: 1 contact hour, the provider's stated contact hour taken as AAMA's 50-minute hour).
    - ``hours_per_unit``: contact hours per unit for outside credit (AAMA 1, NHA 2).
    - ``college_credit_units``: units per college credit (AAMA 15), ``None`` = no confirmed conversion.
    - ``unverified``: names of the fields whose values no official source confirms.
    """

    credential_id: str
    name: str
    body: str
    unit: str
    areas: tuple[str, ...]
    total_required: Decimal
    area_minimums: Mapping[str, Decimal] = field(default_factory=dict)
    approved_minimum: Decimal = ZERO
    other_cap: Decimal | None = None
    cpr_points: Decimal = ZERO
    cpr_area: str = ANY_AREA
    cpr_max_cards: int | None = None
    min_outside_hours: Decimal = ZERO
    unverified: tuple[str, ...] = ()
    hours_per_unit: Decimal = Decimal(1)
    college_credit_units: Decimal | None = None

    @property
    def has_areas(self) -> bool:
        """True when the credential tracks administrative/clinical/general separately."""
        return self.areas != (ANY_AREA,)


@dataclass(frozen=True)
class Standing:
    """Credit earned so far this cycle, in the credential's unit, per area.

    ``approved`` is credit approved by the credential's own body (CPR card points included);
    ``other`` is credit from any other source, before the cap on outside credit is applied;
    ``cpr_cards`` is how many CPR cards the totals include; ``early`` is the units (inside the totals)
    from before the initial certification, which a first recertification may count up to a cap.
    """

    approved: Mapping[str, Decimal] = field(default_factory=dict)
    other: Mapping[str, Decimal] = field(default_factory=dict)
    cpr_cards: int = 0
    early: Decimal = ZERO


@dataclass(frozen=True)
class Contribution:
    """What one course would give one credential, in the credential's unit, before any cap.

    ``counts`` is False when the course gives nothing; ``reasons`` says why, in words, either way, and
    ``why_not`` names the cause for code ("too_short" or "no_area"; "" when it counts).
    """

    credential_id: str
    counts: bool
    approved: Mapping[str, Decimal] = field(default_factory=dict)
    other: Mapping[str, Decimal] = field(default_factory=dict)
    cpr_card: bool = False
    uses_inferred_area: bool = False
    reasons: tuple[str, ...] = ()
    why_not: str = ""

    @property
    def total(self) -> Decimal:
        """Units given, approved plus other, before caps."""
        return sum(self.approved.values(), ZERO) + sum(self.other.values(), ZERO)


@dataclass(frozen=True)
class Counted:
    """Credit that counts after the best use of outside credit under its cap, in the credential's unit.

    ``areas`` = approved + outside counted per area; ``approved`` = approved units counted (CPR cards
    over the card cap removed); ``other`` = outside units counted (≤ ``other_cap``); ``other_earned`` =
    outside units earned before the cap; ``cpr_cards`` = CPR cards that count.
    """

    areas: Mapping[str, Decimal]
    total: Decimal
    approved: Decimal
    other: Decimal
    other_earned: Decimal
    other_cap: Decimal | None
    cpr_cards: int


@dataclass(frozen=True)
class Missing:
    """What is still needed, in the credential's unit: in total, from approved sources, per area."""

    total: Decimal
    approved: Decimal
    areas: Mapping[str, Decimal]

    @property
    def complete(self) -> bool:
        """True when nothing at all is missing."""
        return self.total <= 0 and self.approved <= 0 and all(v <= 0 for v in self.areas.values())
