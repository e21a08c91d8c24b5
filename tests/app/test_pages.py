"""Every page of the app in Streamlit's AppTest, over the real sample catalog built by `recert sample`."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from catalog.queries import CourseQuery, facets, snapshot
from recert import ui
from recert.words import provider_name
from recommender.planner.api import plan
from recommender.planner.model import PlanStatus
from recommender.rules.profile import load_profile, parse_profile
from tests.app.conftest import ROOT, OpenPage, run_page, stored_profile

PAGES = {
    "catalog": "Course catalog",
    "my_credentials": "My credentials",
    "plan": "Your cheapest plan",
    "schedule": "Your schedule",
    "compare": "Compare cost per credit",
    "about": "About the data",
}
WIDGETS = (
    "button", "selectbox", "multiselect", "text_input", "number_input", "checkbox", "slider", "date_input",
    "file_uploader",
)  # fmt: skip
EXAMPLE = ROOT / "data" / "examples" / "profile.json"


def matching(at: AppTest) -> int:
    """The "N of M courses match." count shown above the catalog table."""
    caption = next(c.value for c in at.caption if "courses match" in c.value)
    return int(caption.split(" of ")[0].replace(",", ""))


def metric(at: AppTest, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


def markdown_texts(at: AppTest) -> list[str]:
    """Everything Streamlit renders as markdown: where scraped text must never appear unescaped."""
    elements = [*at.markdown, *at.caption, *at.error, *at.warning, *at.info, *at.success, *at.title]
    return [str(e.value) for e in elements]


def with_example_profile(page: str) -> AppTest:
    """The page with the example profile (started from its button, unless the store already has it)."""
    at = run_page(page)
    key = "plan_use_example" if page == "plan" else "creds_use_example"
    if any(button.key == key for button in at.button):
        at.button(key=key).click().run()
    assert not at.exception
    return at


@pytest.mark.parametrize("page", list(PAGES))
def test_every_page_renders_without_error(open_page: OpenPage, page: str) -> None:
    at = open_page(page)
    assert [t.value for t in at.title] == [PAGES[page]]
    assert not at.error, [e.value for e in at.error]
    assert any("Sample data" in w.value for w in at.warning), "the sample notice is missing"


def test_every_widget_has_a_key_and_a_label(open_page: OpenPage) -> None:
    for page in PAGES:
        at = with_example_profile(page) if page in ("my_credentials", "plan") else open_page(page)
        if page == "plan":
            at.button(key="plan_make").click().run()
        for kind in WIDGETS:
            for widget in getattr(at, kind):
                assert widget.key, f"{page}: a {kind} has no key"
                assert widget.label, f"{page}: {widget.key} has no label"


def test_catalog_filters_change_the_table_and_its_counts(open_page: OpenPage, catalog: Path) -> None:
    at = open_page("catalog")
    everything = matching(at)
    assert everything == len(snapshot(catalog).courses)
    assert len(at.dataframe[0].value) == everything

    ace = facets(catalog, CourseQuery(limit=None))["provider"]["ace"]
    at.multiselect(key="catalog_providers").select("ace").run()
    assert matching(at) == ace < everything
    table = at.dataframe[0].value
    assert set(table["provider"]) == {"ace"} and len(table) == ace
    assert set(table["Provider"]) == {provider_name("ace")}
    # Facet counts follow the filters: the area counts now only count ACE courses.
    area_counts = [int(o.rsplit("(", 1)[1].rstrip(")")) for o in at.multiselect(key="catalog_areas").options]
    assert area_counts and max(area_counts) <= ace

    at.checkbox(key="catalog_free_only").check().run()
    free = matching(at)
    assert free < ace
    assert (at.dataframe[0].value["Price"] == 0).all()


def test_catalog_text_search_and_sort(open_page: OpenPage) -> None:
    at = open_page("catalog")
    at.text_input(key="catalog_text").input("coding").run()
    found = at.dataframe[0].value
    assert 0 < matching(at) == len(found)
    at.selectbox(key="catalog_sort").select("price").run()
    prices = at.dataframe[0].value["Price"].dropna().tolist()
    assert prices == sorted(prices)


def test_catalog_titles_link_to_http_pages(open_page: OpenPage) -> None:
    table = open_page("catalog").dataframe[0].value
    assert table["Title"].str.match(r"^https?://[^ ]+#recert-title=").all()


def test_catalog_credits_column_lists_each_approval_in_record_order(
    open_page: OpenPage, catalog: Path
) -> None:
    table = open_page("catalog").dataframe[0].value
    by_key = {(c.provider, c.course_id): c for c in snapshot(catalog).courses}
    checked = 0
    for provider, course_id, credits in zip(
        table["provider"], table["course_id"], table["Credits"], strict=True
    ):
        course = by_key[provider, course_id]
        expected = " · ".join(f"{a.body} {ui.amount(a.credits)}" for a in course.approvals) or "—"
        assert credits == expected
        checked += bool(course.approvals)
    assert checked > 0


def test_credentials_show_progress_for_the_example_profile(catalog: Path, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    at = with_example_profile("my_credentials")
    assert at.multiselect(key="creds_held").value == ["cma_aama"]
    assert metric(at, "Counted so far").endswith("of 60 points")
    from recommender.rules.profile import load_profile
    from recommender.rules.progress import progress

    (cli,) = progress(load_profile(ROOT / "data/examples/profile.json"), date.today())
    assert metric(at, "Status") == cli.status.label  # the status `recert progress` shows
    bars = at.get("progress")
    assert len(bars) == 5  # total, AAMA-approved, three areas
    assert any("Still needed" in t.value or "Nothing is missing" in t.value for t in at.text)
    # the date to apply by and the late window, the ones `recert progress` gives
    deadline = next(t.value for t in at.text if t.value.startswith("Apply by "))
    assert f"Apply by {ui.long_date(cli.apply_by.day)}: {cli.apply_by.words}." in deadline
    assert cli.late_window is not None and cli.late_window.words() in deadline
    flagged = [c.value for c in at.caption if c.value.startswith("Not confirmed by an official source")]
    assert flagged and "_" not in flagged[0] and "the renewal fee for members" in flagged[0]


def test_a_bad_transcript_upload_shows_its_line_errors(catalog: Path, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    at = with_example_profile("my_credentials")
    before = metric(at, "Counted so far")
    bad = b"date,title,hours\n2025-13-01,Bad date,2\n2025-01-05,No hours,\n"
    at.file_uploader(key="creds_transcript_upload").upload("transcript.csv", bad, "text/csv")
    at.run()
    assert any("not imported: 2 problem" in e.value for e in at.error)
    lines = "\n".join(t.value for t in at.text)
    assert "line 2: date" in lines and "line 3: hours" in lines
    assert metric(at, "Counted so far") == before


def test_a_good_transcript_upload_adds_credit(catalog: Path, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    at = run_page("my_credentials")
    at.multiselect(key="creds_held").select("cma_aama").run()
    at.text_input(key="cred_cma_aama_certified_on").input("1/15/2024").run()
    assert metric(at, "Counted so far") == "0 of 60 points"
    good = b"date,title,hours,areas\n2025-02-01,Phlebotomy refresher,3,clinical\n"
    at.file_uploader(key="creds_transcript_upload").upload("transcript.csv", good, "text/csv")
    at.run()
    assert not at.error
    assert metric(at, "Counted so far") == "3 of 60 points"
    assert len(at.dataframe[0].value) == 1


def test_profile_upload_fills_the_form_and_a_bad_one_is_refused(catalog: Path, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    at = run_page("my_credentials")
    profile = {"credentials": [{"id": "nha_ccma", "certified_on": "2025-03-01"}]}
    upload = at.file_uploader(key="creds_profile_upload")
    upload.upload("me.json", json.dumps(profile).encode(), "application/json")
    at.run()
    assert at.multiselect(key="creds_held").value == ["nha_ccma"]
    at.file_uploader(key="creds_profile_upload").set_value(
        ("bad.json", b'{"credentials": [{"id": "nope"}]}', "application/json")
    )
    at.run()
    assert any("not loaded" in e.value for e in at.error)
    assert "nope" in "\n".join(t.value for t in at.text)
    assert at.multiselect(key="creds_held").value == ["nha_ccma"]


def test_will_this_count_answers_for_each_credential(catalog: Path, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    at = with_example_profile("my_credentials")
    aama = next(c for c in snapshot(catalog).courses if c.approval("AAMA") and c.provider == "aama")
    at.selectbox(key="creds_check_course").select(aama.key).run()
    answers = [s.value for s in at.success] + [w.value for w in at.warning if "Sample" not in w.value]
    assert len(answers) == 1 and answers[0].startswith("CMA \\(AAMA\\)")


def test_the_example_profile_gets_the_planners_total(catalog: Path, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    at = with_example_profile("plan")
    at.button(key="plan_make").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    snap = snapshot(catalog)
    expected = plan(list(snap.courses), list(snap.offers), load_profile(EXAMPLE))
    assert expected.status is PlanStatus.OPTIMAL
    assert metric(at, "Total cost") == ui.money(expected.total_cost)
    courses = at.table[0].value
    assert list(courses["You pay"]) == [ui.money(c.price_paid) for c in expected.courses]
    assert at.get("download_button")  # CSV and JSON downloads


def test_an_impossible_budget_says_why_and_what_would_help(catalog: Path, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    profile = {
        "credentials": [{"id": "cma_aama", "certified_on": "2024-03-01"}],
        "limits": {"formats": ["online"]},
    }
    snap = snapshot(catalog)
    cheapest = plan(list(snap.courses), list(snap.offers), parse_profile(profile))
    assert cheapest.status is PlanStatus.OPTIMAL and cheapest.total_cost > 5
    stored_profile(profile)
    at = run_page("plan")
    at.number_input(key="plan_budget").set_value(5.0)
    at.button(key="plan_make").click().run()
    assert any("No plan can meet" in e.value for e in at.error)
    why, advice = (t.value for t in at.text)
    assert "within your budget of $5.00" in why
    assert advice.startswith(f"• Raise your budget to {ui.money(cheapest.total_cost)}:")


def test_a_stale_plan_is_never_shown_the_plan_follows_the_limits(catalog: Path, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    at = with_example_profile("plan")
    at.button(key="plan_make").click().run()
    assert at.get("download_button") and not at.error
    at.number_input(key="plan_max_hours").set_value(1.0).run()  # no plan fits in one hour
    assert not at.get("download_button")
    assert any("No plan can meet" in e.value for e in at.error)


def test_compare_shows_break_even_and_price_history(open_page: OpenPage, catalog: Path) -> None:
    at = open_page("compare")
    sentences = "\n".join(t.value for t in at.text)
    assert "ACE Annual Membership ($29.95) pays for itself after" in sentences
    course = snapshot(catalog).courses[0]
    at.selectbox(key="compare_history_course").select(course.key).run()
    assert not at.error
    assert len(at.dataframe[1].value) >= 1


def test_about_lists_every_provider_and_how_to_refresh(open_page: OpenPage, catalog: Path) -> None:
    at = open_page("about")
    providers = at.dataframe[0].value
    assert set(providers["Provider"]) == {provider_name(c.provider) for c in snapshot(catalog).courses}
    assert (providers["Outcome"] == "Published").all()
    assert any("recert crawl" in c.value for c in at.code)


def test_scraped_text_is_never_rendered_as_markdown(private_catalog: Path, monkeypatch) -> None:
    from catalog.load import load_records
    from catalog.records import parse_record

    hostile = "**Loud** <img src=x onerror=alert(1)> [click](https://evil.example) $x^2$"
    record = parse_record(
        {
            "provider": "ace",
            "course_id": "hostile",
            "title": hostile,
            "url": "https://ce.example.org/hostile",
            "format": "online",
            "hours": 1,
            "price": 5,
            "content_areas": {"clinical": 1},
            "source": "sample",
        }
    )
    load_records(private_catalog, [record], run_kind="import")
    monkeypatch.chdir(ROOT)
    at = run_page("catalog")
    at.text_input(key="catalog_text").input("Loud").run()
    assert at.dataframe[0].value["Title"].str.contains("recert-title=").all()
    at = with_example_profile("my_credentials")
    check = at.selectbox(key="creds_check_course")
    assert f"{hostile} — {provider_name('ace')}" in check.options  # shown as plain text in the picker
    check.select(("ace", "hostile")).run()
    assert at.success or len(at.warning) > 1  # the verdict was drawn
    rendered = markdown_texts(at)
    assert not any(raw in text for text in rendered for raw in ("**Loud**", "<img", "](https"))


def test_no_catalog_gets_a_clear_message_on_every_page(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("RECERT_CATALOG", str(tmp_path / "missing.duckdb"))
    monkeypatch.chdir(ROOT)
    for page in ("catalog", "compare", "about"):
        at = run_page(page)
        assert not at.error
        assert any("recert sample" in i.value for i in at.info)


def test_inferred_areas_are_marked_in_the_catalog(private_catalog: Path, monkeypatch) -> None:
    from datetime import UTC, datetime

    from catalog.db import writing

    unstated = next(c for c in snapshot(private_catalog).courses if not c.content_areas and not c.approvals)
    with writing(private_catalog) as con:
        key = [unstated.provider, unstated.course_id]
        con.execute("DELETE FROM inferred_area WHERE provider = ? AND course_id = ?", key)
        con.execute(
            "INSERT INTO inferred_area VALUES (?, ?, ?, ?, ?, ?)",
            [unstated.provider, unstated.course_id, "clinical", 0.87, "test", datetime.now(UTC)],
        )
    monkeypatch.chdir(ROOT)
    at = run_page("catalog")
    at.text_input(key="catalog_text").input(unstated.title).run()
    table = at.dataframe[0].value
    row = table[table["Title"].str.startswith(ui.safe_url(unstated.url) or "?")]
    assert row["Area"].tolist() == ["inferred: Clinical (87% sure)"]


def test_duplicates_say_where_else_the_course_is_sold(open_page: OpenPage, catalog: Path) -> None:
    from recommender.ml.duplicates import duplicate_groups

    courses = {course.key: course for course in snapshot(catalog).courses}
    group = next(g for g in duplicate_groups(list(courses.values())) if len(g) == 2 and g[0][0] != g[1][0])
    first, second = (courses[key] for key in group)
    at = open_page("catalog")
    at.multiselect(key="catalog_providers").select(first.provider).run()
    at.query_params["course"] = f"{first.provider}/{first.course_id}"
    at.run()
    sold = next(m.value for m in at.markdown if m.value.startswith("**Also sold by:**"))
    assert (
        sold
        == f"**Also sold by:** {ui.md_escape(f'{provider_name(second.provider)} {ui.money(second.price)}')}"
    )
    at.session_state["catalog_duplicates_open"] = True
    at.run()
    groups = at.dataframe[-1].value
    assert {first.title, second.title} <= set(groups["Title"])


def test_the_plan_names_courses_by_title_not_id(catalog: Path, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    at = with_example_profile("plan")
    at.button(key="plan_make").click().run()
    shown = "\n".join([*(t.value for t in at.text), *(c.value for c in at.caption)])
    snap = snapshot(catalog)
    assert not [c.key for c in snap.courses if f"{c.provider}/{c.course_id}" in shown]
    assert any(c.title in shown for c in snap.courses)


@pytest.mark.parametrize("asked", [1, 2])
def test_the_plan_shows_at_most_the_alternatives_asked_for(catalog: Path, monkeypatch, asked: int) -> None:
    monkeypatch.chdir(ROOT)
    at = with_example_profile("plan")
    at.number_input(key="plan_alternatives").set_value(asked).run()
    at.button(key="plan_make").click().run()
    boxes = [m for m in at.metric if m.delta and ("vs this plan" in m.delta or m.delta == "same cost")]
    assert 0 < len(boxes) <= asked
    same = [c.value for c in at.caption if "cost the same" in c.value or "costs the same" in c.value]
    assert len(same) <= 1


def test_the_plan_can_be_downloaded_to_print(catalog: Path, monkeypatch) -> None:
    monkeypatch.chdir(ROOT)
    at = with_example_profile("plan")
    at.button(key="plan_make").click().run()
    (pdf,) = [b for b in at.get("download_button") if b.proto.label.endswith("(PDF)")]
    assert pdf.proto.label == "Download the plan to print (PDF)"
    result = at.session_state["plan_result"][1]
    data = ui.plan_pdf_bytes(result, ui.build_profile(json.loads(EXAMPLE.read_text(encoding="utf-8"))))
    assert data.startswith(b"%PDF")
