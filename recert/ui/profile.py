"""The profile in session state (in the file form `recert --profile` reads), its validation by the rules
package, progress per held credential, the transcript and "will this count?".

Amounts are in each credential's own unit.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from recert.ui.catalog import snapshot
from recert.ui.people import amount, days_left, jsonable, unit_word

PROFILE_STATE = "profile_raw"

TRANSCRIPT_STATE = "profile_transcript"

EXAMPLE_PROFILE = Path("data/examples/profile.json")


def profile_raw() -> dict[str, Any] | None:
    """The profile as a JSON-ready dict (the file format of `recert --profile`), or None."""
    return st.session_state.get(PROFILE_STATE)


def store_profile(
    raw: dict[str, Any], transcript: str | None = None, *, keep_transcript: bool = False
) -> None:
    """Keep ``raw`` (without a transcript path: the transcript travels as its CSV text) for every page."""
    st.session_state[PROFILE_STATE] = jsonable({k: v for k, v in raw.items() if k != "transcript"})
    if not keep_transcript:
        st.session_state[TRANSCRIPT_STATE] = transcript


def transcript_text() -> str | None:
    """The CSV text of the uploaded (or example) transcript, if any."""
    return st.session_state.get(TRANSCRIPT_STATE)


def build_profile(raw: dict[str, Any], transcript: str | None) -> Any:
    """A validated ``Profile`` from its file form and transcript CSV text.

    Raises the rules package's ProfileError / TranscriptError, which list every problem.
    """
    import tempfile

    from recommender.rules.profile import parse_profile
    from recommender.rules.transcript import apply_transcript

    profile = parse_profile({k: v for k, v in raw.items() if k != "transcript"})
    if not transcript:
        return profile
    with tempfile.TemporaryDirectory(prefix="recert-transcript-") as folder:
        path = Path(folder) / "transcript.csv"
        path.write_text(transcript, encoding="utf-8")
        return apply_transcript(profile, path)


def current_profile() -> Any:
    """The profile every page works with, or None before the user has set one up."""
    raw = profile_raw()
    return None if raw is None else build_profile(raw, transcript_text())


def example_profile() -> tuple[dict[str, Any], str | None]:
    """data/examples/profile.json and the transcript it names (as CSV text)."""
    import json

    raw = json.loads(EXAMPLE_PROFILE.read_text(encoding="utf-8"))
    transcript = raw.get("transcript")
    text = None
    if isinstance(transcript, str) and (EXAMPLE_PROFILE.parent / transcript).is_file():
        text = (EXAMPLE_PROFILE.parent / transcript).read_text(encoding="utf-8-sig")
    return raw, text


def use_example_profile() -> None:
    """Start from the example profile (a CMA (AAMA) with some credit already earned)."""
    raw, transcript = example_profile()
    store_profile(raw, transcript)


@st.cache_resource(show_spinner=False)
def credential_rules(credential_id: str) -> Any:
    """The credential's full rule (``CredentialRules``), as shipped (profile overrides not applied)."""
    from recommender.rules.engine import load_rule

    return load_rule(credential_id)


def credential_names() -> dict[str, str]:
    """Credential id → its name for people, e.g. "cma_aama" → "CMA (AAMA)"."""
    from recommender.rules.engine import list_credentials

    return {credential_id: credential_rules(credential_id).name for credential_id in list_credentials()}


@dataclass(frozen=True)
class Bar:
    """One progress bar: ``fraction`` in [0, 1] and its label."""

    fraction: float
    text: str


@dataclass(frozen=True)
class ProgressView:
    """What the progress section shows for one held credential (all text plain, for people)."""

    name: str
    counted_text: str
    days_text: str
    status: str
    bars: tuple[Bar, ...]
    missing_text: str
    unconfirmed: tuple[str, ...]


def _bar(label: str, counted: Decimal, required: Decimal, unit: str) -> Bar:
    fraction = 1.0 if required <= 0 else float(min(Decimal(1), counted / required))
    return Bar(fraction, f"{label}: {amount(counted)} of {amount(required)} {unit}s")


def credential_progress(held: Any, today: date) -> ProgressView:
    """Counted credit, bars per area, what is missing and the status of a held credential on ``today``."""
    from recommender.rules.engine import count, missing
    from recommender.rules.progress import status_of

    rule = held.rules.counting
    unit = unit_word(rule.unit)
    counted = count(rule, held.standing)
    needed = missing(rule, held.standing)
    bars = [_bar("Total", counted.total, rule.total_required, unit)]
    if rule.approved_minimum > 0:
        bars.append(_bar(f"{rule.body}-approved", counted.approved, rule.approved_minimum, unit))
    for area, minimum in rule.area_minimums.items():
        bars.append(_bar(area.capitalize(), counted.areas.get(area, Decimal(0)), minimum, unit))
    gaps = [f"{amount(needed.total)} {unit}s in total"] if needed.total > 0 else []
    if needed.approved > 0:
        gaps.append(f"{amount(needed.approved)} {rule.body}-approved")
    gaps += [f"{amount(v)} {area}" for area, v in needed.areas.items() if v > 0]
    missing_text = (
        "Nothing is missing: you have all the credit you need."
        if needed.complete
        else ("Still needed: " + ", ".join(gaps) + ".")
    )
    end = held.cycle_end
    days_text = "enter your date" if end is None else days_left(end, today)
    status = status_of(held, needed, today).label  # the status `recert progress` shows
    return ProgressView(
        name=held.rules.name + (f" — cycle ends {end.isoformat()}" if end else ""),
        counted_text=f"{amount(counted.total)} of {amount(rule.total_required)} {unit}s",
        days_text=days_text,
        status=status,
        bars=tuple(bars),
        missing_text=missing_text,
        unconfirmed=tuple(name.removesuffix("_usd").replace("_", " ") for name in held.rules.unconfirmed),
    )


def transcript_errors(text: str) -> list[str]:
    """The transcript's line errors ("line 3: hours: …"), or [] when every row is well formed."""
    from recommender.rules.transcript import TranscriptError, parse_transcript

    try:
        parse_transcript(text)
    except TranscriptError as exc:
        return list(exc.errors)
    return []


def transcript_table(profile: Any) -> pd.DataFrame:
    """One row per transcript line: what it gives each held credential and why (plain text)."""
    report = getattr(profile, "transcript_report", None)
    if report is None:
        return pd.DataFrame()
    rows = []
    for judged in report.judgements:
        row: dict[str, Any] = {
            "Line": judged.row.line,
            "Date": judged.row.completed_on.isoformat(),
            "Title": judged.row.course.title,
        }
        for credential_id, verdict in judged.verdicts.items():
            row[f"{credential_id} counts"] = amount(verdict.gain) if verdict.counts else "no"
            row[f"{credential_id} why"] = "; ".join(verdict.reasons)
        rows.append(row)
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class CheckLine:
    """One credential's answer to "will this count?" (plain text)."""

    counts: bool
    text: str


def check_course(profile: Any, key: tuple[str, str], completed_on: date) -> list[CheckLine]:
    """Would the catalog course ``key``, completed on ``completed_on``, count for each held credential?"""
    from recommender.rules.verdict import judge

    snap = snapshot()
    course = next(c for c in snap.courses if c.key == tuple(key))
    inferred = snap.inferred_areas.get(course.key)
    lines = []
    for held in profile.credentials:
        verdict = judge(
            course,
            held,
            completed_on=completed_on,
            inferred_area=getattr(inferred, "area", None),
            allow_inferred=profile.allow_inferred_areas,
        )
        unit = unit_word(held.rules.counting.unit)
        head = (
            f"{held.rules.name}: counts, +{amount(verdict.gain)} {unit}s."
            if verdict.counts
            else f"{held.rules.name}: does not count."
        )
        lines.append(CheckLine(verdict.counts, " ".join([head, *verdict.reasons])))
    return lines
