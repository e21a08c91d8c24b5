"""The done loop, shared by the `recert` command and the app: courses named the way people name them, the
profile's done-list and the courses she added to her plan edited in its file form, the done-list counted
from the catalog (the adapter between the catalog and the rules engine) and the history of completed
courses in plain words.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from recert.words import credential_name, provider_name, verdict_sentence

if TYPE_CHECKING:
    from catalog.records import Course
    from recommender.rules.profile import Profile


class CourseNotFound(ValueError):
    """No course, or more than one, answers to what was typed; the message says which and what to do."""


def pick_course(courses: Iterable[Course], text: str, provider: str | None = None) -> Course:
    """The one course ``text`` names: ``provider/course_id`` (as the plan and notes print it), a course
    id unique in ``courses``, or a title (any case) unique in them; ``provider`` narrows the choice."""
    wanted = text.strip()
    pool = [c for c in courses if provider is None or c.provider == provider]
    for matches_form in (
        lambda c: f"{c.provider}/{c.course_id}" == wanted,
        lambda c: c.course_id == wanted,
        lambda c: c.title.casefold() == wanted.casefold(),
    ):
        matches = sorted((c for c in pool if matches_form(c)), key=lambda c: c.key)
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            forms = ", ".join(f"{c.provider}/{c.course_id}" for c in matches)
            raise CourseNotFound(
                f"{wanted!r} names several courses ({forms}); give one as provider/course_id"
            )
    where = f" from {provider_name(provider)}" if provider else ""
    raise CourseNotFound(
        f"no course {wanted!r}{where} in the catalog (give provider/course_id, a course id or a title)"
    )


def find_in_catalog(catalog: Path, text: str, provider: str | None = None) -> Course:
    """``pick_course`` over the published catalog, reading only the courses ``text`` may name (raises
    ``catalog.db.CatalogMissing`` when there is no catalog)."""
    from catalog.queries import courses_named

    wanted = text.strip()
    shot = courses_named(catalog, wanted)
    return pick_course(shot.courses, wanted, provider)


def with_completed(profile: Profile, catalog: Path) -> Profile:
    """``profile`` with its done-list counted: each completed course looked up in the catalog (only those
    are read) and judged like a dated transcript row. Without a catalog none can be looked up, and the
    history says so for each."""
    if not profile.completed:
        return profile
    from catalog.db import CatalogMissing
    from catalog.queries import courses_by_key
    from recommender.rules.history import apply_completed

    try:
        shot = courses_by_key(catalog, [done.key for done in profile.completed])
    except CatalogMissing:
        return apply_completed(profile, {})
    inferred = {key: found.area for key, found in shot.inferred_areas.items() if found.area}
    return apply_completed(profile, {c.key: c for c in shot.courses}, inferred)


def add_done(data: Mapping[str, Any], course: Course, on: date, note: str = "") -> dict[str, Any]:
    """The profile's file form with ``course`` completed ``on`` added to its done-list (with its title as
    it is now); ValueError when the same course is already listed for that day."""
    done = list(data.get("completed") or [])
    form = f"{course.provider}/{course.course_id}"
    if any(
        isinstance(e, Mapping) and e.get("course") == form and e.get("on") == on.isoformat() for e in done
    ):
        raise ValueError(f"{course.title} ({form}) is already marked done on {on.isoformat()}")
    entry: dict[str, Any] = {"course": form, "on": on.isoformat(), "title": course.title}
    if note.strip():
        entry["note"] = note.strip()
    edited = {**data, "completed": [*done, entry]}
    return remove_planned(edited, form)[0]  # done: no longer a course to plan


def is_done(data: Mapping[str, Any], form: str) -> bool:
    """Is ``form`` (``provider/course_id``) on the profile's done-list (any date)?"""
    return any(isinstance(e, Mapping) and e.get("course") == form for e in data.get("completed") or [])


def planned_forms(data: Mapping[str, Any]) -> list[str]:
    """The ``provider/course_id`` of each course she added to her plan (the profile's ``planned``)."""
    return [form for form in data.get("planned") or [] if isinstance(form, str)]


def add_planned(data: Mapping[str, Any], course: Course) -> dict[str, Any]:
    """The profile's file form with ``course`` added to her plan (every plan then holds it); ValueError
    when it is already there or already done."""
    form = f"{course.provider}/{course.course_id}"
    if form in planned_forms(data):
        raise ValueError(f"{course.title} ({form}) is already in your plan")
    if is_done(data, form):
        raise ValueError(f"{course.title} ({form}) is marked done: it is not planned again")
    return {**data, "planned": [*planned_forms(data), form]}


def remove_planned(data: Mapping[str, Any], form: str) -> tuple[dict[str, Any], bool]:
    """The profile's file form without ``form`` (``provider/course_id``) in her plan, and whether it was
    there."""
    planned = planned_forms(data)
    result = dict(data)
    kept = [entry for entry in planned if entry != form]
    if kept:
        result["planned"] = kept
    else:
        result.pop("planned", None)
    return result, len(kept) < len(planned)


def remove_done(data: Mapping[str, Any], course: str, on: date | None = None) -> tuple[dict[str, Any], int]:
    """The profile's file form without ``course`` (``provider/course_id``) in its done-list (only the
    entry dated ``on`` when given), and how many entries were removed."""
    done = list(data.get("completed") or [])
    kept = [
        e
        for e in done
        if not (
            isinstance(e, Mapping)
            and e.get("course") == course
            and (on is None or str(e.get("on")) == on.isoformat())
        )
    ]
    result = dict(data)
    if kept:
        result["completed"] = kept
    else:
        result.pop("completed", None)
    return result, len(done) - len(kept)


@dataclass(frozen=True)
class HistoryLine:
    """One completed course for people: when, what, from whom, the note, and per credential (by name) one
    verdict sentence; ``counts`` per credential id, for ticks and filters."""

    on: date
    course: str
    title: str
    provider: str
    note: str
    verdicts: Mapping[str, str]
    counts: Mapping[str, bool]


def history_lines(profile: Profile) -> list[HistoryLine]:
    """Every completed course of a profile counted by ``with_completed`` (newest first), with its
    verdict for each held credential: counts (and how much) or does not count, and why."""
    units = {held.id: held.rules.counting.unit for held in profile.credentials}
    lines = [
        HistoryLine(
            on=entry.done.on,
            course=entry.done.course,
            title=entry.title,
            provider=provider_name(entry.done.provider),
            note=entry.done.note,
            verdicts={
                credential_name(cid): verdict_sentence(verdict, units[cid])
                for cid, verdict in entry.verdicts.items()
            },
            counts={cid: verdict.counts for cid, verdict in entry.verdicts.items()},
        )
        for entry in profile.history
    ]
    return sorted(lines, key=lambda line: line.on, reverse=True)
