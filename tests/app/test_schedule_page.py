"""The Schedule page in AppTest over the real sample catalog: the example profile's schedule with its
deadlines, timeline chart and calendar download, and a pace too slow to fit saying what to change."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from icalendar import Calendar

from catalog.registry import BODIES, PROVIDER_NAMES
from recert.ui import schedule as pacing
from recert.ui.profile import example_profile
from recommender.rules.deadlines import apply_by
from recommender.rules.engine import count
from recommender.rules.profile import parse_profile
from tests.app.conftest import run_page


def _made(hours: float | None = None) -> object:
    at = run_page("schedule")
    at.button(key="schedule_use_example").click().run()
    if hours is not None:
        at.number_input(key="schedule_hours").set_value(hours).run()
    at.button(key="schedule_make").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_example_profile_gets_a_schedule_with_deadlines_chart_and_calendar(
    catalog: Path, monkeypatch
) -> None:
    monkeypatch.chdir(Path(__file__).resolve().parents[2])
    at = _made()
    assert [t.value for t in at.title] == ["Your schedule"]
    raw, _ = example_profile()
    held = parse_profile({k: v for k, v in raw.items() if k != "transcript"}).credentials[0]
    expected = apply_by(held, outside_credit=True).day  # the example's transcript has outside credit
    metrics = {m.label: m.value for m in at.metric}
    assert count(held.rules.counting, held.standing).other == 2  # earned outside credit alone moves it
    assert metrics["CMA (AAMA): apply by"] == expected.isoformat() == "2028-06-09"
    assert metrics["Late window ends"] == "2028-09-28"
    assert at.get("vega_lite_chart") and at.get("dataframe")
    table = next(d.value for d in at.dataframe if "Provider" in d.value.columns)
    ids = set(PROVIDER_NAMES) | {body.lower() for body in BODIES}
    assert not set(table["Provider"]) & ids  # names ("AAMA"), never ids ("aama")
    (download,) = at.get("download_button")
    assert download.label == "Download the calendar (.ics)"
    assert not at.error
    for kind in ("button", "number_input", "date_input", "download_button"):
        for widget in at.get(kind):
            assert widget.key and widget.label, kind


def test_the_calendar_the_page_offers_parses_back(catalog: Path, monkeypatch) -> None:
    monkeypatch.chdir(Path(__file__).resolve().parents[2])
    from recommender.rules.profile import load_profile

    profile = load_profile(Path("data/examples/profile.json"))  # with the transcript it names
    choice = pacing.PaceChoice(None, None, date(2026, 12, 3))
    found = pacing.make_schedule(profile, choice, date(2026, 12, 3)).schedule
    assert found is not None and found.feasible
    events = Calendar.from_ical(pacing.calendar_file(found, date(2026, 12, 3))).walk("VEVENT")
    assert len(events) == len(found.placed) + 3
    months = pacing.credit_frame(found)
    assert months["counted"].is_monotonic_increasing and months["required"].eq(60).all()


def test_a_pace_too_slow_says_what_would_fit(catalog: Path, monkeypatch) -> None:
    monkeypatch.chdir(Path(__file__).resolve().parents[2])
    at = _made(hours=0.5)
    assert any("cannot fit" in e.value for e in at.error)
    assert any("h a month instead of 0.5" in t.value for t in at.text)
    assert not at.get("download_button")
