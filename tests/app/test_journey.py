"""A new user's journey in a real browser (headless Debian Chromium, Playwright, `streamlit run`): she enters
her CMA through the form, makes a plan, marks one course done and reloads the browser — her profile and the
done course are still there and her progress moved; then she adds a course to her plan from its details
and, after another reload, the plan holds it. Screenshots of My credentials, Plan and the course details
at 1366 and 390 px wide go to test-artifacts/ (git-ignored).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import Browser, Page, expect

from catalog.queries import snapshot
from harness.app_server import running_app
from recert.store import ProfileStore
from tests.app.test_browser import TIMEOUT_MS, go_to, settled, shot

pytestmark = pytest.mark.e2e
expect.set_options(timeout=TIMEOUT_MS)
WIDE = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The journey's own, initially empty profile store."""
    return tmp_path_factory.mktemp("journey-home")


@pytest.fixture(scope="module")
def journey_url(sample_catalog: Path, home: Path) -> Iterator[str]:
    with (home / "streamlit.log").open("wb") as log, running_app(sample_catalog, log, home=home) as url:
        yield url


def counted(page: Page) -> str:
    metric = page.get_by_test_id("stMetric").filter(has_text="Counted so far").get_by_test_id("stMetricValue")
    expect(metric).to_be_visible()
    return metric.inner_text()


def snap(page: Page, artifacts: Path, name: str, viewport: dict[str, int]) -> None:
    """A full-page screenshot at ``viewport``'s width; the journey then goes on at 1366 px."""
    shot(page, artifacts, name, viewport)
    page.set_viewport_size(WIDE)


# Per cell of a table: its text and whether any of it lies outside the window or outside an ancestor that
# clips or scrolls (overflow other than visible) — text a person could not read without scrolling sideways.
CELLS_JS = """
table => [...table.querySelectorAll('thead tr, tbody tr')].map(row => [...row.querySelectorAll('th, td')]
    .map(cell => {
        const range = document.createRange();
        range.selectNodeContents(cell);
        const text = range.getBoundingClientRect();
        let hidden = text.left < 0 || text.right > window.innerWidth + 0.5;
        for (let box = cell.parentElement; box; box = box.parentElement) {
            const edge = box.getBoundingClientRect();
            if (getComputedStyle(box).overflowX !== 'visible')
                hidden ||= text.left < edge.left - 0.5 || text.right > edge.right + 0.5;
        }
        return [cell.innerText.trim(), hidden];
    }))
"""


def plan_cells_at_phone_width(page: Page) -> list[list[list[object]]]:
    """The plan's course table at 390 px: per row, each cell's text and whether part of it is hidden."""
    page.set_viewport_size(PHONE)
    settled(page)
    table = page.get_by_test_id("stTable").filter(has_text="Credit it gives")
    expect(table).to_be_visible()
    cells: list[list[list[object]]] = table.evaluate(CELLS_JS)
    page.set_viewport_size(WIDE)
    return cells


def test_a_new_user_enters_a_cma_plans_marks_a_course_done_and_reloads(
    journey_url: str, browser: Browser, artifacts: Path, home: Path, sample_catalog: Path
) -> None:
    wanted = max(  # the dearest AAMA-approved course: no cheapest plan takes it
        (c for c in snapshot(sample_catalog).courses if c.approval("AAMA") and c.price),
        key=lambda c: (c.price, c.key),
    )
    page = browser.new_page(viewport=WIDE)
    page.set_default_timeout(TIMEOUT_MS)
    try:
        page.goto(journey_url)
        go_to(page, "My credentials")
        held = page.get_by_test_id("stMultiSelect").filter(has_text="Credentials you hold")
        held.click()
        page.get_by_role("option", name="CMA (AAMA)").click()
        page.keyboard.press("Escape")
        date = page.get_by_label("Certified or last recertified on")
        date.fill("3/15/2024")
        date.press("Enter")
        expect(page.get_by_text("Read as Friday, March 15, 2024.")).to_be_visible()
        before = counted(page)
        assert before.startswith("0 of 60")

        go_to(page, "Plan")
        page.get_by_role("button", name="Make my plan").click()
        expect(page.get_by_test_id("stMetric").filter(has_text="Total cost")).to_be_visible()
        done = page.get_by_role("button", name=re.compile(r"^Mark .*done"))
        done.click()
        expect(page.get_by_text(re.compile(r"^Marked “.+” done on \d{4}-\d\d-\d\d\.$"))).to_be_visible()
        marked = page.get_by_text(re.compile(r"^Marked “.+” done on")).inner_text()
        title = marked.split("“", 1)[1].rsplit("”", 1)[0]
        snap(page, artifacts, "journey-plan-1366", WIDE)
        snap(page, artifacts, "journey-plan-390", PHONE)
        # At 390 px every course's title, price and credit — its total and, on a line of its own, its
        # split by area — are in view: the canvas grid cut the credit after its total.
        header, *rows = plan_cells_at_phone_width(page)
        assert [text for text, _ in header] == ["Course", "You pay", "Credit it gives"]
        assert rows and not [cells for cells in rows for _, hidden in cells if hidden], rows
        credits = [cells[2][0] for cells in rows]
        credit = re.compile(r"[\d.]+ ([a-z]+ )?points?(\n\(([\d.]+ [a-z]+(, )?)+\))?")  # total (split)
        assert all(credit.fullmatch(text) for text in credits), credits
        assert any("\n(" in text for text in credits)  # the sample plan has courses in several areas

        page.reload()  # a new session: everything comes back from the stored profile
        go_to(page, "My credentials")
        expect(held.get_by_text("CMA (AAMA)")).to_be_visible()
        expect(page.get_by_label("Certified or last recertified on")).to_have_value("2024-03-15")
        history = page.get_by_test_id("stDataFrame").filter(has_text="Completed on")
        expect(history.get_by_text(title, exact=True)).to_have_count(1)
        assert counted(page) != before
        snap(page, artifacts, "journey-credentials-1366", WIDE)
        snap(page, artifacts, "journey-credentials-390", PHONE)

        # She wants a course the cheapest plan leaves out: its details (a shared link), "Add to my plan".
        page.goto(f"{journey_url}/?course={quote(wanted.provider + '/' + wanted.course_id)}")
        page.get_by_role("button", name=f"Add “{wanted.title}” to my plan").click()
        expect(page.get_by_text(f"“{wanted.title}” is in your plan")).to_be_visible()
        snap(page, artifacts, "journey-catalog-added-1366", WIDE)
        snap(page, artifacts, "journey-catalog-added-390", PHONE)
        page.reload()
        go_to(page, "Plan")
        page.get_by_role("button", name="Make my plan").click()
        added = page.get_by_test_id("stVerticalBlock").filter(has_text="Courses you added to your plan")
        expect(added.get_by_text(wanted.title, exact=True).first).to_be_visible()
        snap(page, artifacts, "journey-plan-added-1366", WIDE)
        snap(page, artifacts, "journey-plan-added-390", PHONE)
    finally:
        page.close()
    (name,) = ProfileStore(home).names()
    stored = ProfileStore(home).read(name).data
    assert stored["completed"][0]["title"] == title
    assert stored["planned"] == [f"{wanted.provider}/{wanted.course_id}"]
