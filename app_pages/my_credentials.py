"""My credentials page: progress first, then everything the profile holds — credentials and dates, credit
earned, CPR cards, memberships, courses already taken, limits and interests, a transcript — each change
saved at once to the stored profile (the file the `recert` command reads)."""

from __future__ import annotations

import json
import tomllib
from datetime import date
from typing import Any

import streamlit as st

from catalog.records import load_json
from recert import ui

st.title("My credentials")

BAD_INPUT = "creds_bad_input"  # widget key → (text typed, why it was not taken)
DATE_FORMS = "2022-03-15 or 3/15/2022"


def _entry(credential_id: str) -> dict[str, Any]:
    return next(
        (c for c in (ui.profile_raw() or {}).get("credentials", []) if c.get("id") == credential_id), {}
    )


def _set_held(data: dict[str, Any], held: list[str]) -> None:
    kept = {c.get("id"): c for c in data.get("credentials", []) if isinstance(c, dict)}
    data["credentials"] = [kept.get(credential_id, {"id": credential_id}) for credential_id in held]


def _date_change(credential_id: str, field: str, key: str) -> ui.Change:
    """Store a typed date (ISO or US M/D/YYYY) as ISO; a date that can't be read is kept on screen with
    the reason, and the profile keeps its previous value."""

    def change(data: dict[str, Any], text: str) -> None:
        bad = st.session_state.setdefault(BAD_INPUT, {})
        bad.pop(key, None)
        entry = ui.credential_entry(data, credential_id)
        if not text.strip():
            entry.pop(field, None)
            return
        try:
            entry[field] = ui.read_day(text).isoformat()
        except ValueError:
            bad[key] = (
                text,
                f"“{text.strip()}” is not a date Recert can read: type it as {DATE_FORMS}.",
            )

    return change


def date_field(column: Any, label: str, credential_id: str, field: str, saved: dict[str, Any]) -> None:
    """A date typed as text (2022-03-15 or 3/15/2022) with the date read shown back, or why not."""
    key = f"cred_{credential_id}_{field}"
    bad = st.session_state.get(BAD_INPUT, {}).get(key)
    column.text_input(
        label,
        placeholder=DATE_FORMS,
        **ui.bind(
            key, bad[0] if bad else str(saved.get(field) or ""), _date_change(credential_id, field, key)
        ),
    )
    if bad:
        column.error(ui.md_escape(bad[1]))
        return
    day = ui.parse_day(saved.get(field))
    if day is not None:
        column.caption(f"Read as {ui.long_date(day)}.")


def _set_earned(credential_id: str, area: str, kind: str) -> ui.Change:
    def change(data: dict[str, Any], value: float) -> None:
        earned = ui.credential_entry(data, credential_id).setdefault("earned", {})
        earned.setdefault(area, {"approved": 0, "other": 0})[kind] = ui.exact(value)

    return change


def earned_inputs(credential_id: str, rules: Any, saved: dict[str, Any]) -> None:
    """Number inputs for credit already earned, per area: approved by the body, and from elsewhere."""
    counting = rules.counting
    unit = ui.unit_word(counting.unit)
    st.caption(ui.md_escape(ui.earned_explained(counting.body, unit)))
    earned = saved.get("earned") or {}
    for column, area in zip(st.columns(len(counting.areas)), counting.areas, strict=True):
        before = earned.get(area) or {}
        area_name = ui.area_label(area)
        for kind, label in (("approved", f"{counting.body}-approved"), ("other", "other")):
            column.number_input(
                f"{area_name}: {label} {unit}s",
                min_value=0.0,
                step=0.5,
                **ui.bind(
                    f"cred_{credential_id}_{area}_{kind}",
                    float(before.get(kind) or 0),
                    _set_earned(credential_id, area, kind),
                ),
            )


def _set_cards(credential_id: str) -> ui.Change:
    def change(data: dict[str, Any], value: int) -> None:
        entry = ui.credential_entry(data, credential_id)
        if value:
            entry["cpr_cards"] = int(value)
        else:
            entry.pop("cpr_cards", None)

    return change


def credential_inputs(credential_id: str) -> None:
    """One held credential's dates, earned credit and (where they count) CPR cards."""
    rules = ui.credential_rules(credential_id)
    saved = _entry(credential_id)
    with st.expander(rules.name, expanded=True):
        left, right = st.columns(2)
        date_field(left, "Certified or last recertified on", credential_id, "certified_on", saved)
        date_field(right, "…or the day your cycle ends", credential_id, "cycle_end", saved)
        earned_inputs(credential_id, rules, saved)
        counting = rules.counting
        if counting.cpr_points > 0:
            st.number_input(
                "CPR cards already counted this cycle",
                min_value=0,
                max_value=counting.cpr_max_cards if counting.cpr_max_cards is not None else 20,
                step=1,
                help=ui.cpr_explained(counting),
                **ui.bind(
                    f"cred_{credential_id}_cpr_cards",
                    int(saved.get("cpr_cards") or 0),
                    _set_cards(credential_id),
                ),
            )


def credentials_form() -> None:
    """Pick the credentials held, then each one's dates and credit."""
    st.header("Your credentials")
    known = ui.credential_names()
    held = [c.get("id") for c in (ui.profile_raw() or {}).get("credentials", []) if c.get("id") in known]
    st.multiselect(
        "Credentials you hold",
        options=list(known),
        format_func=known.__getitem__,
        placeholder="Choose your credentials…",
        **ui.bind("creds_held", held, _set_held),
    )
    for credential_id in held:
        credential_inputs(credential_id)


def _set_top(field: str) -> ui.Change:
    """Set a top-level profile field from a text or multiselect widget (left out when empty)."""

    def change(data: dict[str, Any], value: str | list[str]) -> None:
        if value:
            data[field] = value.strip() if isinstance(value, str) else list(value)
        else:
            data.pop(field, None)

    return change


def owned_section() -> None:
    """Memberships and subscriptions already held, and courses already taken (never planned again)."""
    st.header("What you already have")
    raw = ui.profile_raw() or {}
    offers = ui.offer_choices(raw.get("memberships", []))
    st.multiselect(
        "Memberships and subscriptions you already have",
        options=list(offers),
        format_func=offers.__getitem__,
        help="Recert won't tell you to buy these again, and uses their member prices and included courses.",
        placeholder="None",
        **ui.bind(
            "creds_memberships", ui.stored_keys(raw.get("memberships", []), offers), _set_top("memberships")
        ),
    )
    courses = ui.course_choices(raw.get("taken", []))
    st.multiselect(
        "Courses you have already taken (type to search)",
        options=list(courses),
        format_func=courses.__getitem__,
        help="Recert never plans these again.",
        placeholder="None",
        **ui.bind("creds_taken", ui.stored_keys(raw.get("taken", []), courses), _set_top("taken")),
    )


def limits_section() -> None:
    """Budget, hours, formats, providers to avoid, interests: the plan's starting limits."""
    st.header("Limits and interests")
    st.caption("The Plan page starts from these; a change there is saved here too.")
    ui.limits_inputs("creds")
    raw = ui.profile_raw() or {}
    st.text_input(
        "Topics you'd like (plans prefer courses about them)",
        placeholder="e.g. EKG, pediatrics",
        **ui.bind("creds_interests", str(raw.get("interests") or ""), _set_top("interests")),
    )


def progress_of(held: Any, today: date) -> None:
    """Progress bars per area, what is missing, days left and the status of one held credential."""
    view = ui.credential_progress(held, today)
    st.subheader(view.name)
    columns = st.columns(3)
    columns[0].metric("Counted so far", view.counted_text)
    columns[1].metric("Time left", view.days_text)
    columns[2].metric("Status", view.status)
    st.text(view.deadline_text)
    for bar in view.bars:
        st.progress(bar.fraction, text=bar.text)
    st.text(view.missing_text)
    if view.unconfirmed:
        st.caption("Not confirmed by an official source: " + ui.md_escape(", ".join(view.unconfirmed)))


def transcript_section() -> None:
    """Upload a transcript CSV (kept beside the profile): its line errors, or how each row counts."""
    st.header("Transcript")
    st.caption(
        "A CSV with the columns date, title, hours (and optionally provider, approvals, areas, "
        "certificate_id, kind). List only credit not already entered above."
    )
    upload = st.file_uploader("Upload your CE transcript (CSV)", type=["csv"], key="creds_transcript_upload")
    if upload is not None and st.session_state.get("creds_transcript_loaded") != upload.file_id:
        text = upload.getvalue().decode("utf-8-sig", errors="replace")
        errors = ui.transcript_errors(text)
        if errors:
            st.error(f"The transcript was not imported: {len(errors)} problem(s). Fix them and upload again.")
            st.text("\n".join(errors))
            return
        st.session_state["creds_transcript_loaded"] = upload.file_id
        ui.save_transcript(text)
        st.rerun()
    if ui.transcript_text() and st.button("Remove the transcript", key="creds_transcript_remove"):
        ui.save_transcript(None)
        st.rerun()


def transcript_rows(profile: Any) -> None:
    table = ui.transcript_table(profile)
    if not table.empty:
        st.subheader("How each transcript row counts")
        st.dataframe(table, hide_index=True, key="creds_transcript_rows")


def will_it_count(profile: Any) -> None:
    """Pick any course from the catalog and a completion date: does it count, for each credential?"""
    st.header("Will this count? Done it?")
    if not ui.course_options():
        st.info("The catalog has no courses yet.")
        return
    left, right = st.columns([3, 1])
    key = ui.course_picker("creds_check_course", container=left)
    completed = right.date_input(
        "Completed on", value=date.today(), format="YYYY-MM-DD", key="creds_check_date"
    )
    if key is None:
        ui.mark_done([], "creds_done")  # the undo of a course just marked done stays in reach
        return
    for line in ui.check_course(profile, key, completed):
        (st.success if line.counts else st.warning)(ui.md_escape(line.text))
    ui.mark_done([ui.catalog_course(key)], "creds_done")


def upload_profile(container: Any) -> None:
    """Load a profile file (JSON or TOML) into the current profile; a bad file changes nothing."""
    upload = container.file_uploader(
        "Upload a profile (JSON or TOML)", type=["json", "toml"], key="creds_profile_upload"
    )
    if upload is None or st.session_state.get("creds_profile_loaded") == upload.file_id:
        return
    try:
        text = upload.getvalue().decode("utf-8-sig")
        loaded = tomllib.loads(text) if upload.name.lower().endswith(".toml") else load_json(text)
        ui.build_profile(loaded)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:  # TooDeep is a ValueError
        container.error("That profile was not loaded:")
        container.text("\n".join(ui.problems_of(exc)))
        return
    st.session_state["creds_profile_loaded"] = upload.file_id
    named = loaded.pop("transcript", None)
    ui.save_profile(loaded)
    if named:
        ui.notice(f"The profile names a transcript ({named}): upload that CSV under Transcript below.")
    st.rerun()


def profile_files() -> None:
    """Download the profile as JSON (the `recert --profile` format) or upload one."""
    st.header("Your profile file")
    current = ui.active()
    left, right = st.columns(2)
    left.download_button(
        "Download my profile (JSON)",
        data=json.dumps(current.data, indent=2),
        file_name=f"{current.name or 'recert-profile'}.json",
        mime="application/json",
        key="creds_profile_download",
    )
    if current.name:
        left.caption(f"Saved as “{ui.md_escape(current.name)}” after every change; `recert` reads it too.")
    upload_profile(right)


def first_steps() -> None:
    st.info("Tell Recert which credentials you hold below, start from the example, or upload a profile file.")
    if st.button("Start from the example profile", key="creds_use_example"):
        ui.use_example_profile()
        st.rerun()


def main() -> None:
    profile = ui.current_profile()
    if profile is None or not profile.credentials:
        first_steps()
    else:
        st.header("Progress")
        today = date.today()
        for held in profile.credentials:
            progress_of(held, today)
        st.header("Courses you have done")
        ui.done_history(profile)
    credentials_form()
    owned_section()
    limits_section()
    transcript_section()
    if profile is not None and profile.credentials:
        transcript_rows(profile)
        will_it_count(profile)
    profile_files()


with ui.page_guard("your credentials"):
    main()
