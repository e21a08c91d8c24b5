"""The printable plan: the text read back out of the PDF holds the total, every course with its link,
what to buy, each cycle end and the sample notice (only for sample data)."""

from __future__ import annotations

import io
from datetime import date

from pypdf import PdfReader

from recert.plan_pdf import SAMPLE_WORDS, plan_pdf, printable
from recommender.planner.api import plan
from recommender.planner.model import PlanStatus
from recommender.rules.profile import parse_profile
from tests.recommender.test_planner_variants import TODAY, _course, _offer


def _text_and_links(data: bytes) -> tuple[str, set[str]]:
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    links = {
        annotation.get_object()["/A"]["/URI"]
        for page in reader.pages
        for annotation in page.get("/Annots") or []
        if "/A" in annotation.get_object()
    }
    return " ".join(text.split()), links


def _plan() -> tuple[object, object]:
    earned = {"administrative": {"approved": 12}, "clinical": {"approved": 0}, "general": {"approved": 34}}
    profile = parse_profile(
        {"credentials": [{"id": "cma_aama", "cycle_end": "2027-06-30", "earned": earned},
                         {"id": "rma_amt", "cycle_end": "2027-09-30"}]}
    )  # fmt: skip
    courses = [
        _course("cli-1", "clinical", 5, 5, 30, included_in=["acme-sub"], title="Vital signs — a refresher"),
        _course("cli-2", "clinical", 5, 5, 30, included_in=["acme-sub"]),
        _course("gen-1", "general", 4, 4, 8),
    ] + [_course(f"g{n}", "general", 4, 4, 9 + n) for n in range(8)]
    offers = [_offer("acme-sub", "subscription", 40)]
    result = plan(courses, offers, profile, today=TODAY)
    assert result.status is PlanStatus.OPTIMAL and result.offers
    return result, profile


def test_the_pdf_says_what_a_person_needs_to_act() -> None:
    result, profile = _plan()
    text, links = _text_and_links(plan_pdf(result, profile, sample=True, today=date(2026, 12, 3)))
    assert f"Total: ${result.total_cost:.2f} for {result.total_hours.normalize():f} h of study" in text
    for course in result.courses:
        assert printable(course.title) in text and course.url in links
    assert "Vital signs - a refresher" in text  # the dash in Latin-1 form
    assert (
        "CMA (AAMA) - the cycle ends 2027-06-30" in text and "RMA (AMT) - the cycle ends 2027-09-30" in text
    )
    assert "apply by 2027-" in text  # the date to apply by, as `recert plan` states it
    assert "What to buy" in text and "- acme-sub (subscription) (Acme): $40.00" in text
    assert "counts for both:" in text
    assert " ".join(SAMPLE_WORDS.split()) in text


def test_no_sample_notice_for_live_or_imported_data() -> None:
    result, profile = _plan()
    text, _ = _text_and_links(plan_pdf(result, profile, sample=False))
    assert "Sample data" not in text and "Total:" in text


def test_only_web_links_are_made() -> None:
    result, profile = _plan()
    from dataclasses import replace

    first = replace(result.courses[0], url="javascript:alert(1)")
    unsafe = replace(result, courses=(first, *result.courses[1:]))
    _, links = _text_and_links(plan_pdf(unsafe, profile, sample=False))
    assert links and all(link.startswith("https://") for link in links)
