"""The app's profile handling in AppTest: the stored profile is the source of truth (widgets are drawn from
it every run), every change is saved at once, a new session (a browser reload) opens it again, a change on
disk is reloaded rather than overwritten, a damaged file is set aside, and several profiles can be kept."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from recert.store import ProfileStore
from tests.app.conftest import run_page, stored_profile

CMA = {"credentials": [{"id": "cma_aama", "certified_on": "2024-03-01"}]}


def stored(name: str = "me") -> dict:
    return ProfileStore().read(name).data


def test_the_example_profile_fills_the_form_and_survives_a_reload(catalog: Path, monkeypatch) -> None:
    monkeypatch.chdir(Path(__file__).resolve().parents[2])
    at = run_page("my_credentials")
    at.button(key="creds_use_example").click().run()
    assert at.multiselect(key="creds_held").value == ["cma_aama"]
    assert at.text_input(key="cred_cma_aama_certified_on").value == "2023-06-15"
    counted = next(m.value for m in at.metric if m.label == "Counted so far")
    # A new session on the same store — what a browser reload gets.
    again = run_page("my_credentials")
    assert again.multiselect(key="creds_held").value == ["cma_aama"]
    assert next(m.value for m in again.metric if m.label == "Counted so far") == counted
    assert again.number_input(key="cred_cma_aama_general_approved").value == 6


def test_a_page_change_and_an_edit_keep_the_loaded_profile(catalog: Path) -> None:
    stored_profile({**CMA, "credentials": [{**CMA["credentials"][0], "cpr_cards": 1}]})
    at = run_page("my_credentials")
    at.switch_page("app_pages/plan.py").run()
    at.switch_page("app_pages/my_credentials.py").run()
    assert at.multiselect(key="creds_held").value == ["cma_aama"]
    at.number_input(key="cred_cma_aama_clinical_other").set_value(2.5).run()
    saved = stored()["credentials"][0]
    assert saved["certified_on"] == "2024-03-01" and saved["cpr_cards"] == 1
    assert saved["earned"]["clinical"] == {"approved": 0, "other": 2.5}


def test_a_us_date_is_read_and_shown_back_and_a_bad_one_says_so(catalog: Path) -> None:
    stored_profile(CMA)
    at = run_page("my_credentials")
    at.text_input(key="cred_cma_aama_certified_on").input("03/15/2022").run()
    assert stored()["credentials"][0]["certified_on"] == "2022-03-15"
    assert at.text_input(key="cred_cma_aama_certified_on").value == "2022-03-15"
    assert any("Tuesday, March 15, 2022" in c.value for c in at.caption)
    at.text_input(key="cred_cma_aama_certified_on").input("31/12/2022").run()
    assert any("is not a date" in e.value for e in at.error)
    assert at.text_input(key="cred_cma_aama_certified_on").value == "31/12/2022"
    assert stored()["credentials"][0]["certified_on"] == "2022-03-15"  # unchanged


def test_a_change_on_disk_is_reloaded_not_overwritten(catalog: Path) -> None:
    stored_profile(CMA)
    at = run_page("my_credentials")
    store = ProfileStore()
    on_disk = store.read("me")
    changed = {**CMA, "memberships": ["aama-membership"]}
    store.write("me", changed, expected_version=on_disk.version)  # what `recert` does meanwhile
    at.number_input(key="cred_cma_aama_general_approved").set_value(3.0).run()
    assert any("changed outside this page" in i.value for i in at.info)
    saved = stored()
    assert saved["memberships"] == ["aama-membership"]  # the CLI's change is kept
    assert at.multiselect(key="creds_memberships").value == ["aama/aama-membership"]


def test_a_damaged_profile_is_set_aside_with_a_clear_message(catalog: Path) -> None:
    stored_profile(CMA)
    path = ProfileStore().path("me")
    path.write_text('{"credentials": [', encoding="utf-8")
    at = run_page("my_credentials")
    message = " ".join(i.value for i in at.info)
    assert "not valid JSON" in message and "damaged" in message
    aside = list(path.parent.glob("me.damaged-*.json"))
    assert len(aside) == 1 and aside[0].read_text(encoding="utf-8") == '{"credentials": ['
    assert not path.exists()
    assert at.multiselect(key="creds_held").value == []


def test_profiles_are_created_switched_renamed_and_deleted(catalog: Path) -> None:
    stored_profile(CMA, name="maria")
    at = run_page("my_credentials")
    at.text_input(key="profile_new_name").input("helper").run()
    at.button(key="profile_create").click().run()
    assert at.selectbox(key="profile_pick").value == "helper"
    assert at.multiselect(key="creds_held").value == []
    at.multiselect(key="creds_held").select("nha_ccma").run()
    assert stored("helper")["credentials"] == [{"id": "nha_ccma"}]
    at.selectbox(key="profile_pick").select("maria").run()
    assert at.multiselect(key="creds_held").value == ["cma_aama"]
    assert ProfileStore().last_used() == "maria"
    at.text_input(key="profile_rename_to").input("maria-cma").run()
    at.button(key="profile_rename").click().run()
    assert ProfileStore().names() == ["helper", "maria-cma"]
    at.button(key="profile_delete").click().run()
    assert ProfileStore().names() == ["helper", "maria-cma"]  # asked first
    at.button(key="profile_delete_yes").click().run()
    assert ProfileStore().names() == ["helper"]
    assert at.selectbox(key="profile_pick").value == "helper"


def test_a_profile_file_is_imported_from_the_sidebar(catalog: Path) -> None:
    at = run_page("plan")
    at.sidebar.file_uploader(key="profile_import").upload(
        "Ana Lopez.json", json.dumps(CMA).encode(), "application/json"
    )
    at.run()
    assert ProfileStore().names() == ["Ana-Lopez"]
    assert at.selectbox(key="profile_pick").value == "Ana-Lopez"


def test_everything_is_entered_without_json_and_the_cli_reads_it(catalog: Path, monkeypatch) -> None:
    from recommender.rules.profile import load_profile

    at = run_page("my_credentials")
    at.multiselect(key="creds_held").select("cma_aama").run()
    at.text_input(key="cred_cma_aama_cycle_end").input("6/30/2028").run()
    at.number_input(key="cred_cma_aama_clinical_approved").set_value(4.0).run()
    at.number_input(key="cred_cma_aama_cpr_cards").set_value(1).run()
    at.multiselect(key="creds_memberships").select("aama/aama-membership").run()
    at.number_input(key="creds_budget").set_value(150.0).run()
    at.text_input(key="creds_interests").input("EKG").run()
    profile = load_profile(ProfileStore().path("my-profile"))
    held = profile.credentials[0]
    assert held.cycle_end is not None and held.cycle_end.isoformat() == "2028-06-30"
    assert profile.memberships == ("aama/aama-membership",)
    assert profile.limits.budget == 150 and profile.interests == "EKG"
    assert held.earned.approved.get("clinical") == 4
    # CPR cards are asked only where the rules count them.
    at.multiselect(key="creds_held").set_value(["nha_ccma"]).run()
    assert not any(n.key == "cred_nha_ccma_cpr_cards" for n in at.number_input)


def test_marking_a_planned_course_done_moves_progress_and_the_plan_and_undo_restores(catalog: Path) -> None:
    stored_profile({**CMA, "limits": {"formats": ["online"]}})
    at = run_page("plan")
    at.button(key="plan_make").click().run()
    made = at.session_state["plan_result"][1]
    first = made.courses[0]
    at.selectbox(key="plan_done_course").select(f"{first.provider}/{first.course_id}").run()
    at.text_input(key="plan_done_note").input("cert 12345").run()
    at.button(key="plan_done_mark").click().run()
    (done,) = stored()["completed"]
    assert done["course"] == f"{first.provider}/{first.course_id}" and done["note"] == "cert 12345"
    assert done["on"] == date.today().isoformat()
    remade = at.session_state["plan_result"][1].courses
    assert (first.provider, first.course_id) not in {(c.provider, c.course_id) for c in remade}
    assert any("done on" in s.value for s in at.success)
    at.switch_page("app_pages/my_credentials.py").run()
    history = next(d.value for d in at.dataframe if "Completed on" in d.value.columns)
    assert list(history["Course"]) == [first.title]
    assert history["CMA (AAMA)"][0].startswith("Counts: +")
    assert not next(m.value for m in at.metric if m.label == "Counted so far").startswith("0 of")
    at.switch_page("app_pages/plan.py").run()
    at.button(key="plan_done_undo").click().run()
    assert "completed" not in stored()
    assert at.session_state["plan_result"][1] is made  # the plan made for this very profile, not solved again


def test_every_added_course_can_be_taken_off_the_plan_even_one_it_cannot_hold(catalog: Path) -> None:
    """The Plan page lists every course she added — in the plan, left out and why, gone from the
    catalog — each with "Take it off my plan", also when no plan is possible with them."""
    from catalog.queries import snapshot

    courses = sorted(snapshot(catalog).courses, key=lambda c: (-(c.price or 0), c.key))
    dear, taken = courses[0], courses[1]
    planned = [f"{dear.provider}/{dear.course_id}", f"{taken.provider}/{taken.course_id}", "nowhere/gone"]
    stored_profile(
        {
            **CMA,
            "taken": [planned[1]],
            "planned": planned,
            "limits": {"budget": float(min(dear.price, dear.member_price or dear.price)) - 1},
        }
    )
    at = run_page("plan")
    at.button(key="plan_make").click().run()
    assert at.session_state["plan_result"][1].status.value == "infeasible"
    assert any("with the courses you added" in e.value for e in at.text)
    listed = [t.value for t in at.text if t.value.startswith((dear.title, taken.title, "nowhere/gone"))]
    assert listed == [
        dear.title,
        f"{taken.title} — left out: already taken",
        "nowhere/gone — not in the catalog any more",
    ]
    at.button(key="plan_added_2").click().run()  # gone from the catalog: still removable
    at.button(key="plan_added_0").click().run()  # the one that made a plan impossible
    assert stored()["planned"] == [planned[1]]
    assert at.session_state["plan_result"][1].status.value == "optimal"
