"""The Catalog page in AppTest: filters that keep their raw values, the page's address with the CLI's flag
names, and a course's details. Counts are checked against `recert catalog` with the same flags."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Multiselect

from catalog.queries import snapshot
from recert.store import ProfileStore
from recert.ui.filters import CatalogFilters, FilterChoices, from_params
from recert.ui.people import md_escape
from tests.app.catalog_flags import cli_count
from tests.app.conftest import APPTEST_TIMEOUT, ROOT, stored_profile

CMA = {"credentials": [{"id": "cma_aama", "certified_on": "2024-03-01"}]}


def matching(at: AppTest) -> int:
    caption = next(c.value for c in at.caption if "courses match" in c.value)
    return int(caption.split(" of ")[0].replace(",", ""))


class _Shown(Multiselect[Any]):
    """A multiselect as the browser reports it: the option labels it holds, not the Python values."""

    held: list[str]

    @property
    def _widget_state(self) -> WidgetState:
        state = WidgetState()
        state.id = self.id
        state.string_array_value.data[:] = self.held
        return state


class Browser:
    """What Streamlit's frontend does with multiselects: it keeps the labels of the options chosen and
    sends them back on every run; it replaces them only when the server says so (``set_value``). So a
    label that changes (its count) after being chosen is sent back in its old form."""

    def __init__(self, at: AppTest) -> None:
        self.at = at
        self.held: dict[str, list[str]] = {}
        self.run()

    def run(self) -> Browser:
        for widget in self.at.multiselect:
            self._hold(widget)
        self.at.run()
        assert not self.at.exception, [e.value for e in self.at.exception]
        for widget in self.at.multiselect:
            if widget.proto.set_value or widget.key not in self.held:
                self.held[str(widget.key)] = list(widget.proto.raw_values)
        return self

    def _hold(self, widget: Multiselect[Any]) -> None:
        widget.__class__ = _Shown
        widget.held = self.held.get(str(widget.key), [])  # type: ignore[attr-defined]

    def choose(self, key: str, value: str) -> Browser:
        """Click the option whose value is ``value`` (as a person would: by its current label)."""
        widget = self.at.multiselect(key=key)
        label = widget.format_func(value)
        assert label in widget.options, (label, widget.options)
        self.held[key] = [*self.held.get(key, []), label]
        return self.run()


def test_filters_chosen_one_after_another_match_the_cli(catalog: Path, monkeypatch: Any) -> None:
    """Content area, then format, then provider: labels change under earlier choices, the count must not."""
    monkeypatch.chdir(ROOT)
    browser = Browser(AppTest.from_file(str(ROOT / "app.py"), default_timeout=APPTEST_TIMEOUT))
    browser.choose("catalog_areas", "administrative").choose("catalog_formats", "online")
    browser.choose("catalog_providers", "ace")
    expected = cli_count(
        catalog, {"area": ["administrative"], "course_format": ["online"], "provider": ["ace"]}
    )
    assert 0 < expected == matching(browser.at)
    # The widgets hold raw values; their labels carry the counts.
    assert browser.at.multiselect(key="catalog_areas").value == ["administrative"]
    assert browser.at.multiselect(key="catalog_providers").value == ["ace"]


def test_the_price_slider_after_two_filters_matches_the_cli(catalog: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(ROOT)
    browser = Browser(AppTest.from_file(str(ROOT / "app.py"), default_timeout=APPTEST_TIMEOUT))
    browser.choose("catalog_areas", "clinical").choose("catalog_formats", "online")
    browser.at.slider(key="catalog_price").set_value((0.0, 50.0))
    browser.run()
    expected = cli_count(catalog, {"area": ["clinical"], "course_format": ["online"], "max_price": ["50"]})
    assert 0 < expected == matching(browser.at)
    assert browser.at.multiselect(key="catalog_areas").value == ["clinical"]


def open_address(query: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=APPTEST_TIMEOUT)
    at.query_params.update(_query(query))
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _query(query: str) -> dict[str, list[str]]:
    from urllib.parse import parse_qs

    return parse_qs(query, keep_blank_values=True)


def test_the_address_holds_the_filters_with_the_clis_flag_names(catalog: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(ROOT)
    params = {
        "provider": ["ace", "relias"],
        "area": ["administrative"],
        "course_format": ["online"],
        "max_price": ["50"],
    }
    at = open_address("provider=ace&provider=relias&area=administrative&course_format=online&max_price=50")
    assert 0 < matching(at) == cli_count(catalog, params)
    assert at.multiselect(key="catalog_providers").value == ["ace", "relias"]
    assert at.slider(key="catalog_price").value[1] == 50.0
    # Changing a filter on the page writes it back into the address.
    at.checkbox(key="catalog_descending").check().run()
    assert at.query_params["desc"] == ["true"] or at.query_params["desc"] == "true"
    assert at.query_params["course_format"] in (["online"], "online")


def test_bad_values_in_the_address_are_ignored_with_a_note(catalog: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(ROOT)
    at = open_address("provider=nobody&area=clinical&max_price=cheap&sort=random&colour=red&free=maybe")
    notes = " ".join(w.value for w in at.warning)
    for part in ("nobody", "cheap", "random", "colour", "maybe"):
        assert part in notes
    assert matching(at) == cli_count(catalog, {"area": ["clinical"]})
    assert not at.error


def test_a_course_in_the_address_shows_every_field(catalog: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(ROOT)
    course = next(c for c in snapshot(catalog).courses if not c.approval("AAMA"))
    at = open_address(f"course={course.provider}/{course.course_id}")
    lines = [m.value for m in at.markdown if m.value.startswith("**") and ":** " in m.value]
    shown = dict(line[2:].split(":** ", 1) for line in lines)
    assert shown["Title"] == md_escape(course.title)
    assert shown["Course reference (for recert done)"] == md_escape(f"{course.provider}/{course.course_id}")
    assert all(a.body in shown["Approved by"] for a in course.approvals)
    assert course.approvals or "may count as outside credit" in shown["Approved by"]
    assert "None" not in shown.values() and len(shown) >= 15
    assert any("My credentials" in c.value for c in at.caption), "no hint to set up a profile"


def test_course_detail_says_whether_it_counts_and_marks_it_done(catalog: Path, monkeypatch: Any) -> None:
    monkeypatch.chdir(ROOT)
    stored_profile(CMA)
    course = next(c for c in snapshot(catalog).courses if c.approval("AAMA"))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=APPTEST_TIMEOUT)
    at.query_params["course"] = f"{course.provider}/{course.course_id}"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    verdicts = [v.value for v in [*at.success, *at.warning] if "AAMA" in v.value and "Sample" not in v.value]
    assert len(verdicts) == 1 and "count" in verdicts[0]
    at.button(key="catalog_done_mark").click().run()
    (done,) = ProfileStore().read("me").data["completed"]
    assert (
        done["course"] == f"{course.provider}/{course.course_id}" and done["on"] == date.today().isoformat()
    )
    at.button(key="catalog_done_undo").click().run()
    assert "completed" not in ProfileStore().read("me").data


def test_address_parameters_round_trip() -> None:
    choices = FilterChoices(
        providers=frozenset({"ace", "aama"}),
        areas=frozenset({"clinical", "general"}),
        bodies=frozenset({"AAMA", "NHA"}),
        formats=frozenset({"online", "live"}),
    )
    filters = CatalogFilters(
        text="ekg",
        providers=("ace", "aama"),
        areas=("clinical",),
        formats=("online",),
        min_price=Decimal("5"),
        max_price=Decimal("49.50"),
        min_credits=Decimal("1.5"),
        credit_body="NHA",
        sort="price",
        desc=True,
        free=False,
    )
    again, notes = from_params(filters.params(), choices)
    assert (again, notes) == (filters, [])
    assert filters.params()["course_format"] == ["online"] and filters.params()["max_price"] == ["49.5"]
    # Like the CLI: areas in lower case, bodies in upper case; commas work as repeats.
    read, notes = from_params({"area": ["Clinical"], "body": ["nha,aama"], "free": [""]}, choices)
    assert (read.areas, read.bodies, read.free, notes) == (("clinical",), ("NHA", "AAMA"), True, [])
    read, notes = from_params({"min_price": ["-3"], "max_price": ["NaN"], "free": ["perhaps"]}, choices)
    assert read == CatalogFilters() and len(notes) == 3


def test_the_first_page_does_not_import_scikit_learn(catalog: Path) -> None:
    """The Catalog page (the app's first page) draws without scikit-learn: duplicates are found only when
    a course is opened or "The same course from several providers" is."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from streamlit.testing.v1 import AppTest\n"
        f"at = AppTest.from_file({str(ROOT / 'app.py')!r}, default_timeout={APPTEST_TIMEOUT}).run()\n"
        "assert not at.exception and at.dataframe, 'the catalog did not draw'\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('sklearn', 'scipy')))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[]"


def test_add_to_plan_from_the_details_and_the_plan_holds_it_until_taken_off(
    catalog: Path, monkeypatch: Any
) -> None:
    """ "Add to my plan" in a course's details saves it in the profile; the Plan page's plan then holds
    it (marked as added, though the cheapest plan would not take it), and "Take it off my plan" there
    gives the cheapest plan back."""
    monkeypatch.chdir(ROOT)
    stored_profile(CMA)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=APPTEST_TIMEOUT)
    at.switch_page("app_pages/plan.py").run()
    at.button(key="plan_make").click().run()
    cheapest = at.session_state["plan_result"][1]
    taken = {(c.provider, c.course_id) for c in cheapest.courses}
    course = max(
        (c for c in snapshot(catalog).courses if c.approval("AAMA") and c.price and c.key not in taken),
        key=lambda c: (c.price, c.key),
    )
    form = f"{course.provider}/{course.course_id}"
    at.switch_page("app_pages/catalog.py")
    at.query_params["course"] = form
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    at.button(key="catalog_plan_add").click().run()
    assert ProfileStore().read("me").data["planned"] == [form]
    assert any("is in your plan" in s.value for s in at.success)
    at.switch_page("app_pages/plan.py").run()
    remade = at.session_state["plan_result"][1]  # the profile changed: the plan was made again
    added = [c for c in remade.courses if c.added]
    assert [(c.provider, c.course_id) for c in added] == [course.key]
    assert remade.total_cost > cheapest.total_cost
    assert any(s.value.startswith("Cheapest plan found with the course you added") for s in at.success)
    table = next(t.value for t in at.table if "Course" in t.value.columns)
    assert md_escape(f"{course.title} (added by you)") in " ".join(map(str, table["Course"]))
    at.button(key="plan_added_0").click().run()
    assert "planned" not in ProfileStore().read("me").data
    assert at.session_state["plan_result"][1].total_cost == cheapest.total_cost
