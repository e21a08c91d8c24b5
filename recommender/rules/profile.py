"""The user's profile: held credentials and their cycles, credit earned, limits and preferences.

A profile is a JSON or TOML file (chosen by extension); data/examples/profile.json shows every field.
Every field but ``credentials[].id`` is optional. Problems are reported together as ``ProfileError``,
each naming the field and what is wrong with it. Amounts are in each credential's own unit, money in USD,
hours are contact hours.
"""

from __future__ import annotations

import json
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from catalog.records import FORMATS, Problem, ProblemsError, TooDeep, load_json, to_decimal
from recommender.rules.dates import parse_date
from recommender.rules.engine import (
    DEFAULT_APPLY_ROUTE,
    CredentialRules,
    RulesError,
    add_months,
    canonical_id,
    credential_aliases,
    list_credentials,
    load_rule,
)
from recommender.rules.model import ANY_AREA, ZERO, Standing

PROFILE_FIELDS: tuple[str, ...] = (
    "credentials", "transcript", "taken", "memberships", "limits", "interests",
    "allow_inferred_areas", "overrides", "completed", "planned",
)  # fmt: skip
CREDENTIAL_FIELDS: tuple[str, ...] = (
    "id", "certified_on", "cycle_end", "earned", "cpr_cards", "member", "apply_route",
    "first_recertification",
)  # fmt: skip
LIMIT_FIELDS: tuple[str, ...] = ("budget", "max_hours", "formats", "avoid_providers")
EARNED_FIELDS: tuple[str, ...] = ("approved", "other")
COMPLETED_FIELDS: tuple[str, ...] = ("course", "on", "note", "title")

if TYPE_CHECKING:
    from recommender.rules.history import HistoryEntry
    from recommender.rules.transcript import TranscriptReport


MAX_NUMBER = Decimal(1_000_000_000)
"""Every number in a profile (credits, hours, USD) is below this: a budget of 1e400 is no budget."""


class ProfileError(ProblemsError):
    """The profile is wrong; ``problems`` names every field at fault and what is wrong with it."""


@dataclass(frozen=True)
class HeldCredential:
    """One credential the user holds, with its current cycle and the credit earned in it.

    ``cycle_start``/``cycle_end`` are inclusive dates (``None`` when the profile gives neither
    ``certified_on`` nor ``cycle_end``: then every dated credit is taken to fall inside the cycle).
    ``earned`` is what the profile states; ``standing`` adds the transcript rows that count.
    ``rules`` is the credential's rule with the profile's overrides applied. ``apply_route`` is how the
    user means to send the recertification application (one of the rule's routes; ``None`` = the default,
    online, or the body publishes no routes). ``first_recertification``: this cycle follows the initial
    certification, so credit from the months before it may count (the rule's ``first_recert``).
    """

    id: str
    cycle_start: date | None
    cycle_end: date | None
    standing: Standing
    rules: CredentialRules
    earned: Standing = field(default_factory=Standing)
    member: bool | None = None
    apply_route: str | None = None
    first_recertification: bool = False

    @property
    def route(self) -> str | None:
        """The application route in use: the profile's, else online when the body offers routes."""
        if self.apply_route is not None:
            return self.apply_route
        return DEFAULT_APPLY_ROUTE if self.rules.apply.routes else None

    @property
    def early_window(self) -> tuple[date, date] | None:
        """First recertification only: the days before the initial certification whose credit may count
        (first and last, inclusive), or ``None``."""
        months = self.rules.first_recert.months_before
        if not self.first_recertification or months <= 0 or self.cycle_start is None:
            return None
        return add_months(self.cycle_start, -months), self.cycle_start - timedelta(days=1)

    @property
    def credit_from(self) -> date | None:
        """The first day credit may be dated to count for this cycle."""
        if self.cycle_start is None or self.cycle_end is None:
            return self.cycle_start
        return self.rules.cycle.credit_from(self.cycle_start, self.cycle_end)

    def in_window(self, day: date) -> bool:
        """True when credit dated ``day`` falls inside the credit window of the current cycle."""
        start, end = self.credit_from, self.cycle_end
        return (start is None or day >= start) and (end is None or day <= end)


@dataclass(frozen=True)
class Limits:
    """What the user will accept: ``budget`` in USD, ``max_hours`` in contact hours, formats, providers."""

    budget: Decimal | None = None
    max_hours: Decimal | None = None
    formats: tuple[str, ...] = ()
    avoid_providers: tuple[str, ...] = ()


@dataclass(frozen=True)
class CompletedCourse:
    """A course the user has taken (the profile's done-list): the catalog course ``provider/course_id``,
    completed ``on``; ``note`` (e.g. a certificate number) and ``title`` (as it was then) are free text."""

    provider: str
    course_id: str
    on: date
    note: str = ""
    title: str = ""

    @property
    def key(self) -> tuple[str, str]:
        """The catalog key (provider, course_id)."""
        return (self.provider, self.course_id)

    @property
    def course(self) -> str:
        """``provider/course_id``, the form the file and the CLI use."""
        return f"{self.provider}/{self.course_id}"


@dataclass(frozen=True)
class Profile:
    """The whole profile. ``transcript`` is the CSV path (resolved next to the profile file);
    ``transcript_report`` its rows judged per credential (their credit is inside each ``standing``);
    ``completed`` the done-list, counted once an adapter has looked its courses up (rules.history), and
    ``history`` each of them with its verdict per credential (empty until then); ``planned`` the courses
    she added to her plan ("add to plan"), which every plan then holds."""

    credentials: tuple[HeldCredential, ...] = ()
    taken: tuple[str, ...] = ()
    memberships: tuple[str, ...] = ()
    limits: Limits = field(default_factory=Limits)
    interests: str = ""
    allow_inferred_areas: bool = False
    transcript: Path | None = None
    overrides: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)
    path: Path | None = None
    transcript_report: TranscriptReport | None = None
    completed: tuple[CompletedCourse, ...] = ()
    history: tuple[HistoryEntry, ...] = ()
    planned: tuple[tuple[str, str], ...] = ()  # (provider, course_id) she added to her plan

    @property
    def already_taken(self) -> frozenset[str]:
        """Course ids and ``provider/course_id`` forms never to plan again: ``taken`` and the done-list."""
        return frozenset(self.taken) | {done.course for done in self.completed}

    def credential(self, credential_id: str) -> HeldCredential | None:
        """The held credential with this id, if any."""
        return next((c for c in self.credentials if c.id == credential_id), None)


def load_profile(path: Path | str) -> Profile:
    """Read a profile from a .json or .toml file (and the transcript it names); raises ProfileError."""
    path = Path(path)
    raw = _read(path)
    profile = parse_profile(raw, base_dir=path.parent)
    profile = replace(profile, path=path)
    if profile.transcript is None:
        return profile
    # Imported here: the transcript judges rows against the held credentials defined in this module.
    from recommender.rules.transcript import TranscriptError, apply_transcript

    try:
        return apply_transcript(profile, profile.transcript)
    except TranscriptError as exc:
        raise ProfileError([Problem("transcript", str(exc))]) from exc


def _read(path: Path) -> Any:
    suffix = path.suffix.lower()
    if suffix not in (".json", ".toml"):
        raise ProfileError([Problem("profile", f"{path.name} must end in .json or .toml")])
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ProfileError([Problem("profile", f"cannot read {path}: {exc.strerror}")]) from exc
    try:
        if suffix == ".json":
            return load_json(data.decode("utf-8-sig"), parse_float=Decimal)
        return tomllib.loads(data.decode("utf-8-sig"), parse_float=Decimal)
    except (TooDeep, RecursionError) as exc:  # JSON is checked before parsing; tomllib recurses
        raise ProfileError([Problem("profile", "nests arrays and objects too deeply")]) from exc
    except json.JSONDecodeError as exc:
        problem = f"is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
        raise ProfileError([Problem("profile", problem)]) from exc
    except tomllib.TOMLDecodeError as exc:
        raise ProfileError([Problem("profile", f"is not valid TOML ({exc})")]) from exc
    except UnicodeDecodeError as exc:
        raise ProfileError([Problem("profile", "is not UTF-8 text")]) from exc


class _Reader:
    """Collects problems while reading the raw profile."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def fail(self, where: str, reason: str) -> None:
        self.problems.append(Problem(where, reason))

    def table(self, where: str, value: Any, known: tuple[str, ...]) -> Mapping[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, Mapping):
            self.fail(where, "must be an object")
            return {}
        for key in value:
            if key not in known:
                names = ", ".join(known)
                self.fail(f"{where}.{key}" if where else str(key), f"is not a known field ({names})")
        return value

    def number(self, where: str, value: Any) -> Decimal | None:
        if value is None:
            return None
        number = to_decimal(value) if isinstance(value, int | float | Decimal | str) else None
        if number is None:
            self.fail(where, f"must be a number, got {value!r}")
            return None
        if number < 0:
            self.fail(where, f"must not be negative, got {number}")
            return None
        if number >= MAX_NUMBER:
            self.fail(where, f"must be less than {MAX_NUMBER:,}, got {number}")
            return None
        return number

    def day(self, where: str, value: Any) -> date | None:
        if value is None:
            return None
        try:
            return parse_date(value)
        except ValueError as exc:
            self.fail(where, str(exc))
            return None

    def text(self, where: str, value: Any) -> str:
        if value is None:
            return ""
        if not isinstance(value, str):
            self.fail(where, f"must be text, got {value!r}")
            return ""
        return value.strip()

    def strings(self, where: str, value: Any) -> tuple[str, ...]:
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(where, "must be a list of text")
            return ()
        return tuple(dict.fromkeys(v.strip() for v in value if v.strip()))

    def flag(self, where: str, value: Any) -> bool | None:
        if value is None:
            return None
        if not isinstance(value, bool):
            self.fail(where, f"must be true or false, got {value!r}")
            return None
        return value


def parse_profile(raw: Any, *, base_dir: Path = Path(".")) -> Profile:
    """Validate a raw profile (the parsed JSON/TOML object); raises ProfileError naming every problem.

    The transcript file is not read here; ``load_profile`` reads it.
    """
    reader = _Reader()
    if not isinstance(raw, Mapping):
        raise ProfileError([Problem("profile", "must be an object")])
    top = reader.table("", raw, PROFILE_FIELDS)
    overrides = _overrides(reader, top.get("overrides"))
    held = _credentials(reader, top.get("credentials"), overrides)
    limits_raw = reader.table("limits", top.get("limits"), LIMIT_FIELDS)
    formats = reader.strings("limits.formats", limits_raw.get("formats"))
    for fmt in formats:
        if fmt not in FORMATS:
            reader.fail("limits.formats", f"{fmt!r} is not a format ({', '.join(FORMATS)})")
    transcript = top.get("transcript")
    if transcript is not None and (not isinstance(transcript, str) or not transcript.strip()):
        reader.fail("transcript", "must be the path of a CSV file")
        transcript = None
    interests = top.get("interests")
    if isinstance(interests, list) and all(isinstance(v, str) for v in interests):
        interests = ", ".join(interests)
    if interests is not None and not isinstance(interests, str):
        reader.fail("interests", "must be text such as 'EKG, pediatrics'")
        interests = None
    profile = Profile(
        credentials=held,
        taken=reader.strings("taken", top.get("taken")),
        memberships=reader.strings("memberships", top.get("memberships")),
        limits=Limits(
            budget=reader.number("limits.budget", limits_raw.get("budget")),
            max_hours=reader.number("limits.max_hours", limits_raw.get("max_hours")),
            formats=formats,
            avoid_providers=reader.strings("limits.avoid_providers", limits_raw.get("avoid_providers")),
        ),
        interests=(interests or "").strip(),
        allow_inferred_areas=bool(reader.flag("allow_inferred_areas", top.get("allow_inferred_areas"))),
        transcript=(base_dir / transcript.strip()) if isinstance(transcript, str) else None,
        overrides=overrides,
        completed=_completed(reader, top.get("completed")),
        planned=_planned(reader, top.get("planned")),
    )
    if reader.problems:
        raise ProfileError(reader.problems)
    return profile


def _completed(reader: _Reader, raw: Any) -> tuple[CompletedCourse, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        reader.fail("completed", 'must be a list like [{"course": "ace/ekg-basics", "on": "2025-03-15"}]')
        return ()
    done: list[CompletedCourse] = []
    seen: dict[tuple[str, str, date], int] = {}
    for index, item in enumerate(raw):
        where = f"completed[{index}]"
        if not isinstance(item, Mapping):
            reader.fail(where, 'must be an object like {"course": "ace/ekg-basics", "on": "2025-03-15"}')
            continue
        entry = reader.table(where, item, COMPLETED_FIELDS)
        course = entry.get("course")
        provider, _, course_id = course.strip().partition("/") if isinstance(course, str) else ("", "", "")
        if not provider or not course_id:
            reader.fail(
                f"{where}.course", f"must be provider/course_id as the plan prints it, got {course!r}"
            )
        on = reader.day(f"{where}.on", entry.get("on"))
        if "on" not in entry:
            reader.fail(f"{where}.on", "is required: the date you completed the course")
        note = reader.text(f"{where}.note", entry.get("note"))
        title = reader.text(f"{where}.title", entry.get("title"))
        if not provider or not course_id or on is None:
            continue
        first = seen.setdefault((provider, course_id, on), index)
        if first != index:
            reader.fail(where, f"{provider}/{course_id} on {on} is listed twice (also completed[{first}])")
            continue
        done.append(CompletedCourse(provider, course_id, on, note, title))
    return tuple(done)


def _planned(reader: _Reader, raw: Any) -> tuple[tuple[str, str], ...]:
    """The courses she added to her plan, as (provider, course_id), each once."""
    planned: list[tuple[str, str]] = []
    for course in reader.strings("planned", raw):  # stripped, each once
        provider, _, course_id = course.partition("/")
        if not provider or not course_id:
            reader.fail("planned", f"must list provider/course_id as the plan prints it, got {course!r}")
        else:
            planned.append((provider, course_id))
    return tuple(planned)


def future_certifications(profile: Profile, today: date) -> list[Problem]:
    """A problem for each held credential whose cycle starts after ``today``: a certification date in
    the future is a typing mistake (progress would count the days left from it)."""
    return [
        Problem(
            f"credentials[{index}].certified_on",
            f"the cycle starts {held.cycle_start}, after today ({today}); a certification date cannot be "
            "in the future",
        )
        for index, held in enumerate(profile.credentials)
        if held.cycle_start is not None and held.cycle_start > today
    ]


def _overrides(reader: _Reader, raw: Any) -> dict[str, dict[str, Any]]:
    table = reader.table("overrides", raw, (*list_credentials(), *credential_aliases()))
    result: dict[str, dict[str, Any]] = {}
    for given_id, values in table.items():
        credential_id = canonical_id(given_id)
        if credential_id not in list_credentials():
            continue
        if not isinstance(values, Mapping):
            reader.fail(f"overrides.{credential_id}", "must be an object of rule: value")
            continue
        for name, value in values.items():
            try:
                load_rule(credential_id, {name: value})
            except RulesError as exc:
                reader.fail(f"overrides.{credential_id}.{name}", str(exc).split(": ", 1)[-1])
                continue
            result.setdefault(credential_id, {})[name] = value
    return result


def _credentials(
    reader: _Reader, raw: Any, overrides: Mapping[str, Mapping[str, Any]]
) -> tuple[HeldCredential, ...]:
    if raw is None:
        return ()
    if not isinstance(raw, list):
        reader.fail("credentials", "must be a list of credentials")
        return ()
    held: list[HeldCredential] = []
    seen: set[str] = set()
    for index, item in enumerate(raw):
        where = f"credentials[{index}]"
        credential = _credential(reader, where, item, overrides)
        if credential is None:
            continue
        if credential.id in seen:
            reader.fail(f"{where}.id", f"{credential.id} is listed twice")
            continue
        seen.add(credential.id)
        held.append(credential)
    return tuple(held)


def _credential(
    reader: _Reader, where: str, raw: Any, overrides: Mapping[str, Mapping[str, Any]]
) -> HeldCredential | None:
    if not isinstance(raw, Mapping):
        reader.fail(where, 'must be an object like {"id": "cma_aama", "certified_on": "2023-06-15"}')
        return None
    item = reader.table(where, raw, CREDENTIAL_FIELDS)
    credential_id = item.get("id")
    if not isinstance(credential_id, str) or not credential_id.strip():
        reader.fail(f"{where}.id", "is required")
        return None
    credential_id = canonical_id(credential_id.strip())
    if credential_id not in list_credentials():
        known = ", ".join(list_credentials())
        reader.fail(f"{where}.id", f"{credential_id!r} is not a known credential ({known})")
        return None
    try:
        rules = load_rule(credential_id, overrides.get(credential_id))
    except RulesError as exc:
        reader.fail(f"{where}.id", str(exc))
        return None
    start = reader.day(f"{where}.certified_on", item.get("certified_on"))
    end = reader.day(f"{where}.cycle_end", item.get("cycle_end"))
    if start is not None and end is None:
        end = rules.cycle.end_from_start(start)
    elif end is not None and start is None:
        start = rules.cycle.start_from_end(end)
    elif start is not None and end is not None and end < start:
        reader.fail(f"{where}.cycle_end", f"{end} is before certified_on {start}")
    earned = _earned(reader, where, item, rules)
    return HeldCredential(
        id=credential_id,
        cycle_start=start,
        cycle_end=end,
        standing=earned,
        rules=rules,
        earned=earned,
        member=reader.flag(f"{where}.member", item.get("member")),
        apply_route=_apply_route(reader, where, item.get("apply_route"), rules),
        first_recertification=_first_recertification(reader, where, item, rules),
    )


def _apply_route(reader: _Reader, where: str, value: Any, rules: CredentialRules) -> str | None:
    """The route the user means to apply by, checked against the routes the body offers."""
    if value is None:
        return None
    routes = rules.apply.routes
    if not routes:
        reader.fail(f"{where}.apply_route", f"{rules.name} publishes no application routes; leave it out")
        return None
    if value not in routes:
        reader.fail(f"{where}.apply_route", f"must be one of {', '.join(routes)}, got {value!r}")
        return None
    return str(value)


def _first_recertification(
    reader: _Reader, where: str, item: Mapping[str, Any], rules: CredentialRules
) -> bool:
    at = f"{where}.first_recertification"
    flag = reader.flag(at, item.get("first_recertification"))
    if not flag:
        return False
    if rules.first_recert.months_before <= 0:
        reader.fail(at, f"{rules.name} has no rule for credit earned before the initial certification")
        return False
    if item.get("certified_on") is None:
        reader.fail(at, "needs certified_on (the date of the initial certification)")
        return False
    return True


def _earned(reader: _Reader, where: str, item: Mapping[str, Any], rules: CredentialRules) -> Standing:
    areas = rules.counting.areas
    table = reader.table(f"{where}.earned", item.get("earned"), areas)
    approved: dict[str, Decimal] = {}
    other: dict[str, Decimal] = {}
    for area, amounts in table.items():
        if area not in areas:
            continue
        at = f"{where}.earned.{area}"
        if not isinstance(amounts, Mapping):
            hint = f"{ANY_AREA}" if areas == (ANY_AREA,) else area
            reader.fail(at, f'must be an object like {{"approved": 4, "other": 0}} (area key {hint})')
            continue
        parts = reader.table(at, amounts, EARNED_FIELDS)
        approved[area] = reader.number(f"{at}.approved", parts.get("approved")) or ZERO
        other[area] = reader.number(f"{at}.other", parts.get("other")) or ZERO
    cards = _cpr_cards(reader, where, item.get("cpr_cards"), rules)
    return Standing(approved=approved, other=other, cpr_cards=cards)


def _cpr_cards(reader: _Reader, where: str, value: Any, rules: CredentialRules) -> int:
    """CPR cards already inside ``earned``: they only limit how many more cards can count."""
    at = f"{where}.cpr_cards"
    if value is None:
        return 0
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        reader.fail(at, f"must be a whole number ≥ 0, got {value!r}")
        return 0
    counting = rules.counting
    if counting.cpr_max_cards is not None and value > counting.cpr_max_cards:
        reader.fail(
            at,
            f"at most {counting.cpr_max_cards} CPR cards count per cycle for {rules.name}; "
            f"enter the cards your transcript credits",
        )
        return 0
    return value
