"""One registry of the facts several layers share: the certifying and approving bodies, the unit each
body counts course credit in and its length in contact hours, the default body, the solver's time
limits, and the names people read for providers and course formats (the planner's notes use them as the
CLI and the app do). It lives in ``catalog/`` because that is the lowest layer: spiders, the catalog, the
recommender, the CLI and the app all import it from here, and nothing else writes these facts down.

A credential's own counting rules (its unit for recertification, hours of outside credit per unit, with
sources and dates) stay in ``recommender/rules/credentials/*.toml``; a test checks that they agree with
this registry wherever both state a value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Body:
    """A body that certifies medical assistants or approves courses.

    ``certifies``: Recert plans for its credentials (the catalog keeps flat credit and cost-per-credit
    columns for it — migration 007 made them: a new certifying body needs a migration too).
    ``unit``: the unit a course record's approval from it counts in, where that unit has a fixed length
    (``hours_per_unit`` contact hours per unit); None where the length is the provider's own (a spider
    states it)."""

    short: str
    name: str
    certifies: bool = False
    unit: str | None = None
    hours_per_unit: Decimal | None = None


BODIES: dict[str, Body] = {
    body.short: body
    for body in (
        Body("AAMA", "American Association of Medical Assistants", True, "aama_ceu", Decimal(1)),
        Body("AMT", "American Medical Technologists", True),
        Body("NHA", "National Healthcareer Association", True, "nha_credit", Decimal(2)),
        Body("NCCT", "National Center for Competency Testing", True),
        Body("AMCA", "American Medical Certification Association", True),
        Body("ARMA", "American Registry of Medical Assistants"),
        Body("IACET", "International Accreditors for Continuing Education and Training", False, "iacet_ceu",
             Decimal(10)),
        Body("ANCC", "American Nurses Credentialing Center"),
        Body("ACCME", "Accreditation Council for Continuing Medical Education"),
    )
}  # fmt: skip

#: Every body a course record may name, in the registry's order.
KNOWN_BODIES: tuple[str, ...] = tuple(BODIES)
#: The certifying bodies (flat catalog columns, the catalog's body choices).
CERTIFYING_BODIES: tuple[str, ...] = tuple(short for short, body in BODIES.items() if body.certifies)
#: Body → the fixed-length unit its approvals count in.
BODY_UNITS: dict[str, str] = {short: body.unit for short, body in BODIES.items() if body.unit}
#: Unit → contact hours per unit, for the bodies' fixed-length units.
UNIT_HOURS: dict[str, Decimal] = {
    body.unit: body.hours_per_unit for body in BODIES.values() if body.unit and body.hours_per_unit
}
#: The body whose credits the catalog's credit and cost-per-credit columns use unless told otherwise.
DEFAULT_BODY = "AAMA"

#: Seconds the planner's whole optimisation may take (`recert plan --time-limit`, the app).
SOLVER_TIME_LIMIT = 30.0
#: Seconds each diagnostic solve may take when the planner explains why no plan exists.
DIAGNOSTIC_TIME_LIMIT = 10.0

# The providers Recert crawls or ships sample data for (a body selling its own courses, e.g. "aama", is
# named by its short name from BODIES); any other provider id is shown tidied up.
PROVIDER_NAMES: Mapping[str, str] = {
    "relias": "Relias Academy",
    "ace": "ACE — Annals of Continuing Education",
    "ma_ceu_hub": "MA CEU Hub",
    "heartsafe": "HeartSafe CPR",
    "transcript": "your transcript",
}


def provider_name(provider: str) -> str:
    """A provider for people: "ace" → "ACE — Annals of Continuing Education"; unknown ids tidied
    ("my_school" → "My school")."""
    known = PROVIDER_NAMES.get(provider)
    if known is not None:
        return known
    if provider.upper() in BODIES:
        return provider.upper()
    text = provider.replace("_", " ").replace("-", " ").strip()
    return text[:1].upper() + text[1:]


def format_name(fmt: str) -> str:
    """A course format for people: "in_person" → "In person"."""
    return fmt.replace("_", " ").capitalize()
