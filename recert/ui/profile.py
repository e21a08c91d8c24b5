"""The profile in session state (in the file form `recert --profile` reads), its validation by the rules
package, progress per held credential, the transcript and "will this count?".

Amounts are in each credential's own unit.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from recert.ui.catalog import course_index, course_options, snapshot
from recert.ui.frame import catalog_file
from recert.ui.people import amount, days_left, jsonable, long_date, md_escape, unit_word
from recert.words import provider_name, rule_value_name

ACTIVE_STATE = "profile_active"

NOTICE_STATE = "profile_notices"

EXAMPLE_PROFILE = Path("data/examples/profile.json")

NEW_PROFILE_NAME = "my-profile"


@dataclass(frozen=True)
class Active:
    """The profile this browser session works on: its stored ``name`` (None before the first change of a
    new user), its file form ``data`` (the JSON object `recert --profile` reads) and the ``version`` of the
    file it was read from or last written as (None when not stored yet)."""

    name: str | None
    data: dict[str, Any]
    version: str | None
    folder: Path | None = None


def profile_store() -> Any:
    """The profile store under $RECERT_HOME (or the platform's user data folder), shared with the CLI."""
    from recert.store import ProfileStore

    return ProfileStore()


def notice(text: str) -> None:
    """Remember a message for the page to show on this run (plain text, shown escaped)."""
    st.session_state.setdefault(NOTICE_STATE, []).append(text)


def take_notices() -> list[str]:
    """The messages left for the page since it was last drawn (each shown once)."""
    return list(st.session_state.pop(NOTICE_STATE, []))


def _read(name: str) -> Active | None:
    """The stored profile ``name``, or None (with a notice) when it is damaged or gone."""
    from recert.store import StoreError

    try:
        stored = profile_store().read(name)
    except StoreError as exc:
        notice(str(exc))
        return None
    return _opened(stored)


def _opened(stored: Any) -> Active:
    return Active(stored.name, dict(stored.data), stored.version, stored.path.parent)


def _first_open() -> Active:
    store = profile_store()
    names = store.names()
    name = store.last_used()
    if name not in names:
        name = names[0] if len(names) == 1 else None
    opened = _read(name) if name else None
    return opened or Active(None, {}, None)


def active() -> Active:
    """The session's profile. On the session's first run it is the last profile used (a browser reload
    opens it again); on every later run the file is checked, and a change made on disk meanwhile (by the
    `recert` command, another tab) is loaded, with a notice, instead of being overwritten."""
    current: Active | None = st.session_state.get(ACTIVE_STATE)
    if current is None:
        current = _first_open()
    elif current.name is not None:
        on_disk = _version_on_disk(current.name)
        if on_disk != current.version:
            reloaded = _read(current.name) if on_disk else None
            notice(
                f'Your profile "{current.name}" was changed outside this page (for example by the recert '
                "command): this page now shows the saved version."
                if reloaded
                else f'Your profile "{current.name}" is no longer stored.'
            )
            current = reloaded or Active(None, {}, None)
    st.session_state[ACTIVE_STATE] = current
    return current


def _version_on_disk(name: str) -> str | None:
    from recert.store import StoreError

    try:
        return str(profile_store().read(name).version)
    except StoreError:
        return None


def profile_raw() -> dict[str, Any] | None:
    """The profile as a JSON-ready dict (the file format of `recert --profile`), or None before any."""
    data = active().data
    return data or None


def _free_name(base: str = NEW_PROFILE_NAME) -> str:
    names = set(profile_store().names())
    return next(
        candidate
        for candidate in (base if n == 1 else f"{base}-{n}" for n in range(1, len(names) + 2))
        if candidate not in names
    )


def save_profile(data: dict[str, Any]) -> bool:
    """Write ``data`` as the session's profile at once (atomic, in the store; a new user's first change
    creates "my-profile"). When the file changed on disk since it was read, nothing is written: the
    stored version is loaded and a notice says the change must be made again. True when written."""
    from recert.store import ProfileConflict

    current = active()
    name = current.name or _free_name()
    store = profile_store()
    try:
        stored = store.write(name, jsonable(data), expected_version=current.version)
    except ProfileConflict:
        st.session_state[ACTIVE_STATE] = _read(name) or Active(None, {}, None)
        notice(
            f'Your profile "{name}" was changed outside this page (for example by the recert command), '
            "so your last change was not saved: it now shows the saved version. Make the change again."
        )
        return False
    store.set_last_used(name)
    st.session_state[ACTIVE_STATE] = Active(
        stored.name, dict(stored.data), stored.version, stored.path.parent
    )
    return True


def switch_profile(name: str) -> None:
    """Open the stored profile ``name`` in this session and remember it as the last used."""
    opened = _read(name)
    if opened is not None:
        profile_store().set_last_used(name)
    st.session_state[ACTIVE_STATE] = opened or Active(None, {}, None)


def new_profile(name: str, data: dict[str, Any] | None = None) -> None:
    """Create the stored profile ``name`` (empty, or ``data``) and open it; a taken name is refused."""
    from recert.store import ProfileConflict

    store = profile_store()
    try:
        store.write(name, jsonable(data or {}), expected_version=None)
    except ProfileConflict as exc:
        raise ValueError(f'A profile named "{name}" already exists: choose another name.') from exc
    switch_profile(name)


def rename_profile(new_name: str) -> None:
    """Store the session's profile under ``new_name`` (a taken name is refused) and remove the old one."""
    current = active()
    if current.name is None or new_name == current.name:
        return
    new_profile(new_name, current.data)
    profile_store().delete(current.name)


def delete_profile() -> None:
    """Delete the session's profile from the store and open another one (or none)."""
    current = active()
    if current.name is None:
        return
    store = profile_store()
    store.delete(current.name)
    left = store.names()
    if left:
        switch_profile(left[0])
    else:
        st.session_state[ACTIVE_STATE] = Active(None, {}, None)


def _pick_profile() -> None:
    switch_profile(st.session_state["profile_pick"])


def _confirm_delete(asked: bool) -> None:
    st.session_state["profile_delete_asked"] = asked


def _act(action: Callable[[], None]) -> None:
    """Run a sidebar action; a refused one (taken name, bad file) leaves a notice instead."""
    from recert.store import StoreError

    try:
        action()
    except (StoreError, ValueError) as exc:
        notice(str(exc))


def _create() -> None:
    name = str(st.session_state.get("profile_new_name") or "").strip()
    if not name:
        notice("Type a name for the new profile first.")
        return
    _act(lambda: new_profile(name))
    st.session_state["profile_new_name"] = ""


def _rename() -> None:
    name = str(st.session_state.get("profile_rename_to") or "").strip()
    if name:
        _act(lambda: rename_profile(name))
    st.session_state["profile_rename_to"] = ""


def _delete() -> None:
    _act(delete_profile)
    st.session_state["profile_delete_asked"] = False


def _import_file() -> None:
    """Import an uploaded profile file (JSON or TOML) as a new stored profile named after the file."""
    import json
    import tomllib

    upload = st.session_state.get("profile_import")
    if upload is None:
        return
    try:
        text = upload.getvalue().decode("utf-8-sig")
        data = tomllib.loads(text) if upload.name.lower().endswith(".toml") else json.loads(text)
        build_profile(data)
    except (ValueError, UnicodeDecodeError) as exc:
        from recert.ui.frame import problems_of

        notice(f"{upload.name} was not imported: " + "; ".join(problems_of(exc)))
        return
    named = data.pop("transcript", None)
    from recert.store import name_from_stem

    _act(lambda: new_profile(_free_name(name_from_stem(Path(upload.name).stem)), data))
    if named:
        notice(f"The profile names a transcript ({named}): upload that CSV on My credentials.")


def profile_sidebar() -> None:
    """The sidebar's profile selector (switch, create, import, rename, delete with confirmation), then the
    notices left for this run (a profile reloaded after a change on disk, a refused action)."""
    current = active()
    names = profile_store().names()
    with st.sidebar:
        if names:
            st.session_state["profile_pick"] = current.name if current.name in names else None
            st.selectbox(
                "Profile",
                options=names,
                placeholder="Choose a profile…",
                key="profile_pick",
                on_change=_pick_profile,
                help="Each profile is saved after every change; the recert command reads the same files.",
            )
        with st.expander("New, import, rename or delete"):
            _manage(current.name)
    for text in take_notices():
        st.info(md_escape(text), icon=":material/info:")


def _manage(name: str | None) -> None:
    st.text_input("New profile's name", key="profile_new_name", placeholder="e.g. maria-cma")
    st.button("Create it", key="profile_create", on_click=_create)
    st.file_uploader(
        "Import a profile file (JSON or TOML)",
        type=["json", "toml"],
        key="profile_import",
        on_change=_import_file,
    )
    if name is None:
        return
    shown = md_escape(name)
    st.text_input(f"Rename “{shown}” to", key="profile_rename_to")
    st.button("Rename", key="profile_rename", on_click=_rename)
    if not st.session_state.get("profile_delete_asked"):
        st.button(f"Delete “{shown}”…", key="profile_delete", on_click=_confirm_delete, args=(True,))
        return
    st.warning(f"Delete the profile “{shown}” and its done-list for good?")
    left, right = st.columns(2)
    left.button("Yes, delete", key="profile_delete_yes", type="primary", on_click=_delete)
    right.button("Cancel", key="profile_delete_no", on_click=_confirm_delete, args=(False,))


def transcript_file(current: Active) -> Path | None:
    """The transcript CSV the profile names (relative to the profile's folder), if it names one."""
    named = current.data.get("transcript")
    if not isinstance(named, str) or not named.strip() or current.folder is None:
        return None
    return current.folder / named.strip()


def transcript_text() -> str | None:
    """The CSV text of the profile's transcript, if it has one."""
    path = transcript_file(active())
    return path.read_text(encoding="utf-8-sig") if path is not None and path.is_file() else None


def save_transcript(text: str | None) -> None:
    """Keep the transcript CSV beside the profile ("<name>.transcript.csv", named in the profile so the
    CLI reads it too), or drop it (None)."""
    data = dict(active().data)
    if text is None:
        data.pop("transcript", None)
        save_profile(data)
        return
    if not save_profile(data):
        return
    current = active()
    assert current.name is not None and current.folder is not None
    file_name = f"{current.name}.transcript.csv"
    _write_atomic(current.folder / file_name, text)
    save_profile({**current.data, "transcript": file_name})


def _write_atomic(path: Path, text: str) -> None:
    import os
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
        out.write(text)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temporary, path)


def build_profile(raw: dict[str, Any], folder: Path | None = None) -> Any:
    """A validated ``Profile`` from its file form; with the profile's ``folder``, the transcript it names
    (relative to that folder, as for the CLI) is read and applied.

    Raises the rules package's ProfileError / TranscriptError, which list every problem.
    """
    from recommender.rules.profile import parse_profile
    from recommender.rules.transcript import apply_transcript

    if folder is None:
        return parse_profile({k: v for k, v in raw.items() if k != "transcript"})
    profile = parse_profile(raw, base_dir=folder)
    return profile if profile.transcript is None else apply_transcript(profile, profile.transcript)


def current_profile() -> Any:
    """The profile every page works with (its done-list counted from the catalog), or None before the
    user has set one up."""
    from recert.done import with_completed

    current = active()
    if not current.data:
        return None
    return with_completed(build_profile(current.data, current.folder), catalog_file())


def example_profile() -> tuple[dict[str, Any], str | None]:
    """data/examples/profile.json and the transcript it names (as CSV text)."""
    import json

    raw = json.loads(EXAMPLE_PROFILE.read_text(encoding="utf-8"))
    transcript = raw.pop("transcript", None)
    text = None
    if isinstance(transcript, str) and (EXAMPLE_PROFILE.parent / transcript).is_file():
        text = (EXAMPLE_PROFILE.parent / transcript).read_text(encoding="utf-8-sig")
    return raw, text


def edit_profile(change: Callable[[dict[str, Any]], None]) -> None:
    """Apply ``change`` to a copy of the profile's file form and save it at once (nothing is written
    when the change leaves it as it was)."""
    before = active().data
    data = copy.deepcopy(before)
    change(data)
    if data != before:
        save_profile(data)


Change = Callable[[dict[str, Any], Any], None]


def bind(key: str, value: Any, change: Change) -> dict[str, Any]:
    """A widget's ``key`` and ``on_change`` (as keyword arguments), its value set to ``value`` — derived
    from the profile — on every run before the widget is drawn.

    The profile is the source of truth: a widget never keeps a value of its own (which the browser would
    send back after a profile is loaded or a page changed, undoing it). When the person changes it,
    ``change(data, new_value)`` edits the profile's file form, which is saved at once and drawn back."""
    st.session_state[key] = value
    return {"key": key, "on_change": _widget_changed, "args": (key, change)}


def _widget_changed(key: str, change: Change) -> None:
    value = st.session_state[key]
    edit_profile(lambda data: change(data, value))


def credential_entry(data: dict[str, Any], credential_id: str) -> dict[str, Any]:
    """The profile's ``credentials[]`` item for ``credential_id`` (added when missing)."""
    items = data.setdefault("credentials", [])
    for item in items:
        if isinstance(item, dict) and item.get("id") == credential_id:
            return item
    item = {"id": credential_id}
    items.append(item)
    return item


def exact(value: float | int) -> int | Decimal:
    """A number input's value for the profile file: exact (0.5 stays 0.5, 2.0 becomes 2)."""
    number = Decimal(str(value))
    return int(number) if number == number.to_integral_value() else number


def read_day(text: str) -> date:
    """A date typed by a person (ISO 2022-03-15 or US 3/15/2022), as the transcript reads them."""
    from recommender.rules.dates import parse_date

    return parse_date(text)


def area_label(area: str) -> str:
    """A content area for people: "any" → "Any area", "clinical" → "Clinical"."""
    return "Any area" if area == "any" else area.capitalize()


def earned_explained(body: str, unit: str) -> str:
    """The one line that tells "approved" from "other" credit (plain text)."""
    return (
        f"{body}-approved: {unit}s from courses {body} itself approved (they carry an {body} approval "
        f"number). Other: {unit}s from courses approved by someone else, which {body} accepts within its "
        "limits."
    )


def cpr_explained(counting: Any) -> str:
    """What the CPR-card number means for a credential whose rules count cards (plain text)."""
    most = f" At most {counting.cpr_max_cards} cards count per cycle." if counting.cpr_max_cards else ""
    return (
        "How many CPR cards issued in this cycle you already count (not already listed as credit above): "
        f"each gives {amount(counting.cpr_points)} {counting.cpr_area} {counting.body} "
        f"{unit_word(counting.unit)}s.{most}"
    )


def stored_keys(stored: list[str], keys: dict[str, str]) -> list[str]:
    """Stored ids ("aama-membership" or "aama/aama-membership") as full "provider/id" keys where the
    catalog knows them; unknown ones are kept as they are."""
    by_id: dict[str, list[str]] = {}
    for key in keys:
        by_id.setdefault(key.split("/", 1)[-1], []).append(key)
    resolved = []
    for item in stored:
        matches = [item] if item in keys else by_id.get(item, [])
        resolved.append(matches[0] if len(matches) == 1 else item)
    return list(dict.fromkeys(resolved))


def _with_unknown(options: dict[str, str], stored: list[str]) -> dict[str, str]:
    unknown = [item for item in stored_keys(stored, options) if item not in options]
    return {**options, **{item: f"{item} (not in the catalog)" for item in unknown}}


def offer_choices(stored: list[str]) -> dict[str, str]:
    """Every catalog offer as "provider/offer_id" → "AAMA Membership — AAMA (membership)", plus the stored
    memberships the catalog doesn't know (kept, never silently dropped)."""
    options = {
        f"{offer.provider}/{offer.offer_id}": f"{offer.name} — {provider_name(offer.provider)} ({offer.kind})"
        for offer in sorted(snapshot().offers, key=lambda o: (o.name.lower(), o.provider))
    }
    return _with_unknown(options, stored)


def course_choices(stored: list[str]) -> dict[str, str]:
    """Every catalog course as "provider/course_id" → "title — provider", plus stored unknown ones."""
    options = {f"{key[0]}/{key[1]}": label for key, label in course_options().items()}
    return _with_unknown(options, stored)


def use_example_profile() -> None:
    """Start from the example profile (a CMA (AAMA) with some credit already earned), saved at once."""
    raw, transcript = example_profile()
    if save_profile(raw) and transcript:
        save_transcript(transcript)


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
    deadline_text: str = ""


def _bar(label: str, counted: Decimal, required: Decimal, unit: str) -> Bar:
    fraction = 1.0 if required <= 0 else float(min(Decimal(1), counted / required))
    return Bar(fraction, f"{label}: {amount(counted)} of {amount(required)} {unit}s")


def credential_progress(held: Any, today: date) -> ProgressView:
    """Counted credit, bars per area, what is missing and the status of a held credential on ``today``."""
    from recommender.rules.deadlines import apply_by, late_window
    from recommender.rules.engine import count, missing
    from recommender.rules.progress import status_of, unconfirmed_in_use

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
        unconfirmed=tuple(rule_value_name(param.name) for param in unconfirmed_in_use(held)),
        deadline_text=deadline_words(apply_by(held, outside_credit=counted.other > 0), late_window(held)),
    )


def deadline_words(apply: Any, late: Any) -> str:
    """The date to apply by and why, and the late window, in sentences (as `recert progress` gives them)."""
    if apply.day is None:
        return "Enter your certification date or cycle end to see the date to apply by."
    text = f"Apply by {long_date(apply.day)}: {apply.words}."
    if late is not None:
        text += f" If you miss the cycle end, you may still recertify late {late.words()}."
    return text


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


def catalog_course(key: tuple[str, str]) -> Any:
    """The catalog's ``Course`` with this (provider, course_id) key."""
    return course_index()[(key[0], key[1])]


def check_course(profile: Any, key: tuple[str, str], completed_on: date) -> list[CheckLine]:
    """Would the catalog course ``key``, completed on ``completed_on``, count for each held credential?"""
    from recommender.rules.verdict import judge

    course = catalog_course(key)
    inferred = snapshot().inferred_areas.get(course.key)
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
