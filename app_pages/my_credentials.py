"""My credentials page: held credentials and dates, credit earned or a transcript, progress, "will this
count?", and the profile file to download or upload."""

from __future__ import annotations

import json
import tomllib
from datetime import date
from typing import Any

import streamlit as st

from recert import ui

st.title("My credentials")

CREDENTIAL_KEY_PREFIX = "cred_"


def earned_inputs(credential_id: str, rules: Any, saved: dict[str, Any]) -> dict[str, Any]:
    """Number inputs for credit already earned, per area: approved by the body, and from elsewhere."""
    counting = rules.counting
    unit = ui.unit_word(counting.unit)
    earned = saved.get("earned") or {}
    result: dict[str, Any] = {}
    columns = st.columns(len(counting.areas))
    for column, area in zip(columns, counting.areas, strict=True):
        area_name = "Any area" if area == "any" else area.capitalize()
        before = earned.get(area) or {}
        approved = column.number_input(
            f"{area_name}: {counting.body}-approved {unit}s",
            min_value=0.0,
            step=0.5,
            value=float(before.get("approved") or 0),
            key=f"{CREDENTIAL_KEY_PREFIX}{credential_id}_{area}_approved",
        )
        other = column.number_input(
            f"{area_name}: {unit}s from other sources",
            min_value=0.0,
            step=0.5,
            value=float(before.get("other") or 0),
            key=f"{CREDENTIAL_KEY_PREFIX}{credential_id}_{area}_other",
        )
        if approved or other:
            result[area] = {"approved": approved, "other": other}
    return result


def credential_inputs(credential_id: str, saved: dict[str, Any]) -> dict[str, Any]:
    """One held credential's dates and earned credit, in the profile's file form."""
    rules = ui.credential_rules(credential_id)
    with st.expander(rules.name, expanded=True):
        left, right = st.columns(2)
        certified = left.date_input(
            "Certified or last recertified on",
            value=ui.parse_day(saved.get("certified_on")),
            min_value=date(1990, 1, 1),
            max_value=date.today(),
            format="YYYY-MM-DD",
            key=f"{CREDENTIAL_KEY_PREFIX}{credential_id}_certified_on",
        )
        cpr_cards = right.number_input(
            "CPR cards already counted this cycle",
            min_value=0,
            max_value=rules.counting.cpr_max_cards if rules.counting.cpr_max_cards is not None else 20,
            value=int(saved.get("cpr_cards") or 0),
            step=1,
            key=f"{CREDENTIAL_KEY_PREFIX}{credential_id}_cpr_cards",
        )
        item: dict[str, Any] = {"id": credential_id}
        if certified:
            item["certified_on"] = certified.isoformat()
        earned = earned_inputs(credential_id, rules, saved)
        if earned:
            item["earned"] = earned
        if cpr_cards:
            item["cpr_cards"] = int(cpr_cards)
    return item


def credentials_form(raw: dict[str, Any]) -> dict[str, Any]:
    """Pick credentials and dates and enter credit; returns the updated profile (file form)."""
    saved = {c["id"]: c for c in raw.get("credentials", []) if isinstance(c, dict) and "id" in c}
    known = ui.credential_names()
    held = st.multiselect(
        "Credentials you hold",
        options=list(known),
        default=[c for c in saved if c in known],
        format_func=known.__getitem__,
        key="creds_held",
    )
    credentials = [credential_inputs(credential_id, saved.get(credential_id, {})) for credential_id in held]
    return {**raw, "credentials": credentials}


def progress_of(held: Any, today: date) -> None:
    """Progress bars per area, what is missing, days left and the status of one held credential."""
    view = ui.credential_progress(held, today)
    st.subheader(view.name)
    columns = st.columns(3)
    columns[0].metric("Counted so far", view.counted_text)
    columns[1].metric("Time left", view.days_text)
    columns[2].metric("Status", view.status)
    for bar in view.bars:
        st.progress(bar.fraction, text=bar.text)
    st.text(view.missing_text)
    if view.unconfirmed:
        st.caption("Not confirmed by an official source: " + ui.md_escape(", ".join(view.unconfirmed)))


def transcript_section() -> None:
    """Upload a transcript CSV: its line errors, or how each row counts."""
    st.header("Transcript")
    st.caption(
        "A CSV with the columns date, title, hours (and optionally provider, approvals, areas, "
        "certificate_id, kind). List only credit not already entered above."
    )
    upload = st.file_uploader("Upload your CE transcript (CSV)", type=["csv"], key="creds_transcript_upload")
    if upload is not None:
        text = upload.getvalue().decode("utf-8-sig", errors="replace")
        errors = ui.transcript_errors(text)
        if errors:
            st.error(f"The transcript was not imported: {len(errors)} problem(s). Fix them and upload again.")
            st.text("\n".join(errors))
        elif text != ui.transcript_text():
            st.session_state[ui.TRANSCRIPT_STATE] = text
    if ui.transcript_text() and st.button("Remove the transcript", key="creds_transcript_remove"):
        st.session_state[ui.TRANSCRIPT_STATE] = None
        st.rerun()


def transcript_rows(profile: Any) -> None:
    table = ui.transcript_table(profile)
    if not table.empty:
        st.subheader("How each transcript row counts")
        st.dataframe(table, hide_index=True, key="creds_transcript_rows")


def will_it_count(profile: Any) -> None:
    """Pick any course from the catalog and a completion date: does it count, for each credential?"""
    st.header("Will this count?")
    if not ui.course_options():
        st.info("The catalog has no courses yet.")
        return
    left, right = st.columns([3, 1])
    key = ui.course_picker("creds_check_course", container=left)
    completed = right.date_input(
        "Completed on", value=date.today(), format="YYYY-MM-DD", key="creds_check_date"
    )
    if key is None:
        return
    for line in ui.check_course(profile, key, completed):
        (st.success if line.counts else st.warning)(ui.md_escape(line.text))


def profile_files(raw: dict[str, Any]) -> None:
    """Download the profile as JSON (the `recert --profile` format) or upload one."""
    st.header("Your profile file")
    left, right = st.columns(2)
    left.download_button(
        "Download my profile (JSON)",
        data=json.dumps(ui.jsonable(raw), indent=2),
        file_name="recert-profile.json",
        mime="application/json",
        key="creds_profile_download",
    )
    upload = right.file_uploader(
        "Upload a profile (JSON or TOML)", type=["json", "toml"], key="creds_profile_upload"
    )
    if upload is None or st.session_state.get("creds_profile_loaded") == upload.file_id:
        return
    try:
        text = upload.getvalue().decode("utf-8-sig")
        loaded = tomllib.loads(text) if upload.name.lower().endswith(".toml") else json.loads(text)
        ui.build_profile(loaded, None)
    except (ValueError, UnicodeDecodeError) as exc:
        right.error("That profile was not loaded:")
        right.text("\n".join(ui.problems_of(exc)))
        return
    st.session_state["creds_profile_loaded"] = upload.file_id
    ui.store_profile(loaded, keep_transcript=True)
    reset_form()


def reset_form() -> None:
    """Forget the form's widget values so it redraws from the newly stored profile."""
    for key in [k for k in st.session_state if str(k).startswith((CREDENTIAL_KEY_PREFIX, "creds_held"))]:
        del st.session_state[key]
    st.rerun()


def main() -> None:
    raw = ui.profile_raw() or {}
    if not raw.get("credentials") and st.button("Start from the example profile", key="creds_use_example"):
        ui.use_example_profile()
        reset_form()
    raw = credentials_form(raw)
    ui.store_profile(raw, keep_transcript=True)
    transcript_section()
    profile = ui.current_profile()
    if profile is None or not profile.credentials:
        st.info("Choose the credentials you hold to see your progress.")
    else:
        st.header("Progress")
        today = date.today()
        for held in profile.credentials:
            progress_of(held, today)
        transcript_rows(profile)
        will_it_count(profile)
    profile_files(ui.profile_raw() or raw)


with ui.page_guard("your credentials"):
    main()
