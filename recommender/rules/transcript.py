"""Transcript import: the user's CE record as CSV, each row judged for each held credential.

Columns (header row, names case-insensitive): ``date`` (YYYY-MM-DD or M/D/YYYY), ``title``, ``provider``,
``hours`` (contact hours), ``approvals`` (``AAMA:2:clinical=1.5:general=0.5;NHA:1``), ``areas``
(``clinical=1;general=0.5``, or area names to split the hours evenly), ``certificate_id``; optional
``kind`` (course, cpr_card, college_credit) and ``college_credits``. A malformed row rejects the whole
file, with line numbers; nothing is half-imported. The transcript lists credit *not already inside* the
profile's ``earned`` totals (e.g. non-AAMA items, which the AAMA transcript does not show).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from catalog.records import AREAS, Course, RecordError, parse_csv_row, to_decimal
from recommender.rules.dates import parse_date
from recommender.rules.engine import missing
from recommender.rules.model import ZERO, Standing
from recommender.rules.verdict import DUPLICATE, Verdict, judge

if TYPE_CHECKING:
    from recommender.rules.profile import HeldCredential, Profile

REQUIRED_COLUMNS: tuple[str, ...] = ("date", "title", "hours")
KNOWN_COLUMNS: tuple[str, ...] = (
    "date", "title", "provider", "hours", "approvals", "areas", "certificate_id", "kind", "college_credits",
    "url",
)  # fmt: skip
PLACEHOLDER_URL = "https://transcript.invalid/row"


class TranscriptError(ValueError):
    """The transcript was rejected; ``errors`` are ``line N: field: problem`` lines."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("; ".join(errors))


@dataclass(frozen=True)
class TranscriptRow:
    """One CE activity: when it was completed and the course it was — a transcript line, or (``entry``
    set) the profile's ``completed[entry]`` looked up in the catalog."""

    line: int
    completed_on: date
    course: Course
    certificate_id: str | None
    entry: int | None = None

    @property
    def where(self) -> str:
        """Where the row comes from, for people: "line 4" or "completed[2]"."""
        return f"line {self.line}" if self.entry is None else f"completed[{self.entry}]"

    @property
    def order(self) -> tuple[int, int]:
        """Transcript lines first, then the done-list, each in file order."""
        return (0, self.line) if self.entry is None else (1, self.entry)


@dataclass(frozen=True)
class RowJudgement:
    """One row judged for every held credential (``verdicts`` keyed by credential id)."""

    row: TranscriptRow
    verdicts: Mapping[str, Verdict]


@dataclass(frozen=True)
class TranscriptReport:
    """The judged transcript and each credential's standing after it."""

    path: Path | None
    judgements: tuple[RowJudgement, ...]
    standings: Mapping[str, Standing]


def _header(name: str | None) -> str:
    return (name or "").strip().lower().replace(" ", "_")


def _areas(text: str, hours: str) -> str:
    """``clinical`` or ``clinical;general`` (hours split evenly) → the record's ``area=hours`` form."""
    parts = [p.strip() for p in text.split(";") if p.strip()]
    if not parts or any("=" in p for p in parts):
        return text
    total = to_decimal(hours)
    if total is None:
        return ""  # the hours column reports the problem
    if any(p.lower() not in AREAS for p in parts):
        return ";".join(f"{p}={total}" for p in parts)  # the record check names the unknown area
    share = total / len(parts)
    return ";".join(f"{p.lower()}={share}" for p in parts)


def _row(line: int, raw: Mapping[str, str]) -> tuple[TranscriptRow | None, list[str]]:
    errors: list[str] = []
    try:
        completed_on = parse_date(raw.get("date", ""))
    except ValueError as exc:
        errors.append(f"line {line}: date: {exc}")
    certificate = raw.get("certificate_id", "").strip() or None
    kind = raw.get("kind", "").strip().lower() or "course"
    hours = raw.get("hours", "").strip()
    college = raw.get("college_credits", "").strip()
    if not hours and kind == "cpr_card":
        hours = "1"  # a card's points don't depend on its hours
    college_credits = to_decimal(college)
    if not hours and kind == "college_credit" and college_credits is not None:
        hours = str(college_credits * 15)  # the usual 15 contact hours per semester credit
    record = {
        "type": "course",
        "provider": raw.get("provider", "").strip() or "transcript",
        "course_id": certificate or f"line-{line}",
        "title": raw.get("title", ""),
        "url": raw.get("url", "").strip() or f"{PLACEHOLDER_URL}/{line}",
        "format": "online",
        "hours": hours,
        "approvals": raw.get("approvals", ""),
        "content_areas": _areas(raw.get("areas", ""), hours),
        "kind": kind,
        "source": "import",
    }
    if college:
        record["college_credits"] = college
    try:
        course = _parse(record)
    except RecordError as exc:
        errors.extend(f"line {line}: {_column(p.field)}: {p.reason}" for p in exc.problems)
        return None, errors
    if errors:
        return None, errors
    return TranscriptRow(line, completed_on, course, certificate), []


def _parse(record: dict[str, str]) -> Course:
    course = parse_csv_row(record)
    assert isinstance(course, Course)  # the record's type is "course"
    return course


def _column(field: str) -> str:
    """The transcript column for a course-record field named in an error."""
    if field.startswith("content_areas"):
        return "areas" + field[len("content_areas") :]
    return {"course_id": "certificate_id"}.get(field, field)


def parse_transcript(text: str) -> tuple[TranscriptRow, ...]:
    """Every row of a transcript CSV, or TranscriptError listing every malformed row by line number."""
    reader = csv.DictReader(io.StringIO(text))
    columns = [_header(name) for name in reader.fieldnames or []]
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    if missing:
        raise TranscriptError([f"line 1: header: missing column(s) {', '.join(missing)}"])
    unknown = [name for name in columns if name not in KNOWN_COLUMNS]
    if unknown:
        raise TranscriptError([f"line 1: header: unknown column(s) {', '.join(unknown)}"])
    rows: list[TranscriptRow] = []
    errors: list[str] = []
    for raw in reader:
        line = reader.line_num
        values = {_header(k): (v or "") for k, v in raw.items() if k is not None}
        if None in raw:
            errors.append(f"line {line}: row: has more cells than the header")
            continue
        if not any(v.strip() for v in values.values()):
            continue
        row, problems = _row(line, values)
        errors.extend(problems)
        if row is not None:
            rows.append(row)
    if errors:
        raise TranscriptError(errors)
    return tuple(rows)


def read_transcript(path: Path) -> tuple[TranscriptRow, ...]:
    """Read and validate a transcript CSV file (UTF-8, an optional BOM allowed)."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise TranscriptError([f"cannot read {path}: {exc.strerror}"]) from exc
    except UnicodeDecodeError as exc:
        raise TranscriptError([f"{path.name} is not UTF-8 text"]) from exc
    return parse_transcript(text)


def _duplicate_of(row: TranscriptRow, seen: dict[tuple[str, ...], str]) -> str | None:
    keys: list[tuple[str, ...]] = [
        ("title", str(row.completed_on), row.course.title.lower(), row.course.provider.lower())
    ]
    if row.certificate_id:
        keys.append(("certificate", row.certificate_id))
    first = next((seen[key] for key in keys if key in seen), None)
    for key in keys:
        seen.setdefault(key, row.where)
    return first


def judge_rows(
    rows: Iterable[TranscriptRow],
    credentials: Sequence[HeldCredential],
    *,
    allow_inferred: bool = False,
    inferred_areas: Mapping[tuple[str, str], str] | None = None,
) -> TranscriptReport:
    """Judge rows in date order for each credential, starting from each credential's ``earned`` totals.

    A row counts if dated inside the credit window, long enough, with an area where one is needed, and
    under the caps given the rows before it; a second row with the same certificate id, or the same date,
    title and provider, is a duplicate.
    """
    standings = {held.id: held.earned for held in credentials}
    seen: dict[tuple[str, ...], str] = {}
    judgements: list[RowJudgement] = []
    for row in sorted(rows, key=lambda r: (r.completed_on, r.order)):
        first = _duplicate_of(row, seen)
        verdicts: dict[str, Verdict] = {}
        for held in credentials:
            standing = standings[held.id]
            if first is not None:
                verdicts[held.id] = _duplicate(held, standing, first)
                continue
            verdict = judge(
                row.course,
                held,
                standing=standing,
                completed_on=row.completed_on,
                inferred_area=(inferred_areas or {}).get(row.course.key),
                allow_inferred=allow_inferred,
            )
            verdicts[held.id] = verdict
            if verdict.counts:
                standings[held.id] = verdict.standing
        judgements.append(RowJudgement(row, verdicts))
    judgements.sort(key=lambda j: j.row.order)
    return TranscriptReport(None, tuple(judgements), standings)


def _duplicate(held: HeldCredential, standing: Standing, first: str) -> Verdict:
    return Verdict(
        held.id,
        False,
        ZERO,
        ZERO,
        (f"duplicate of {first}",),
        DUPLICATE,
        standing,
        missing(held.rules.counting, standing),
    )


def apply_transcript(profile: Profile, path: Path) -> Profile:
    """``profile`` with each credential's standing including the transcript rows that count."""
    report = judge_rows(
        read_transcript(path), profile.credentials, allow_inferred=profile.allow_inferred_areas
    )
    credentials = tuple(replace(held, standing=report.standings[held.id]) for held in profile.credentials)
    return replace(profile, credentials=credentials, transcript_report=replace(report, path=path))
