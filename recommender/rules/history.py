"""The done-list counted: each completed course, looked up in the catalog by an adapter, is judged like a
dated transcript row — together with the transcript, in date order, from each credential's ``earned``
totals — and kept as a history entry with its verdict per held credential.

Amounts are in each credential's unit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from catalog.records import Course
from recommender.rules.engine import missing
from recommender.rules.model import ZERO
from recommender.rules.profile import CompletedCourse, HeldCredential, Profile
from recommender.rules.transcript import TranscriptRow, judge_rows
from recommender.rules.verdict import Verdict

NOT_IN_CATALOG = "not_in_catalog"

CourseKey = tuple[str, str]


@dataclass(frozen=True)
class HistoryEntry:
    """One course of the done-list (``profile.completed[index]``) with its verdict per held credential
    (keyed by credential id). ``title`` is the catalog's, else the one saved with it, else its id;
    ``found`` is False when the catalog does not hold the course (then nothing counts)."""

    index: int
    done: CompletedCourse
    title: str
    found: bool
    verdicts: Mapping[str, Verdict]


def apply_completed(
    profile: Profile,
    courses: Mapping[CourseKey, Course],
    inferred_areas: Mapping[CourseKey, str] | None = None,
) -> Profile:
    """``profile`` with its completed courses counted (each standing includes those that count) and its
    ``history`` set. ``courses`` holds the catalog records of (at least) the completed courses."""
    transcript = profile.transcript_report
    rows = [j.row for j in transcript.judgements if j.row.entry is None] if transcript else []
    for index, done in enumerate(profile.completed):
        course = courses.get(done.key)
        if course is not None:
            rows.append(TranscriptRow(0, done.on, course, None, entry=index))
    report = judge_rows(
        rows, profile.credentials, allow_inferred=profile.allow_inferred_areas, inferred_areas=inferred_areas
    )
    credentials = tuple(replace(held, standing=report.standings[held.id]) for held in profile.credentials)
    judged = {j.row.entry: j for j in report.judgements if j.row.entry is not None}
    entries = []
    for index, done in enumerate(profile.completed):
        judgement = judged.get(index)
        if judgement is None:
            verdicts = {held.id: _not_found(done, held) for held in credentials}
            title = done.title or done.course
        else:
            verdicts, title = dict(judgement.verdicts), judgement.row.course.title
        entries.append(HistoryEntry(index, done, title, judgement is not None, verdicts))
    kept = tuple(j for j in report.judgements if j.row.entry is None)
    return replace(
        profile,
        credentials=credentials,
        transcript_report=replace(transcript, judgements=kept, standings=report.standings)
        if transcript
        else None,
        history=tuple(entries),
    )


def _not_found(done: CompletedCourse, held: HeldCredential) -> Verdict:
    return Verdict(
        held.id,
        False,
        ZERO,
        ZERO,
        (f"{done.course} is not in the catalog, so its credit cannot be looked up",),
        NOT_IN_CATALOG,
        held.standing,
        missing(held.rules.counting, held.standing),
    )
