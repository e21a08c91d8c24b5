"""The course record: every field, good and bad, in JSON and CSV form; serialisation round trips."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from catalog.records import (
    Approval,
    Course,
    Offer,
    RecordError,
    dumps,
    iter_jsonl,
    parse_csv_row,
    parse_record,
    to_dict,
)
from tests.catalog.conftest import course, offer


def problems(raw: dict[str, Any]) -> list[str]:
    with pytest.raises(RecordError) as caught:
        parse_record(raw)
    return [str(p) for p in caught.value.problems]


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"provider": "acme.co:east/1"}, ("provider", "acme.co:east/1")),
        ({"course_id": "  C-1  "}, ("course_id", "C-1")),
        ({"title": "  Two   spaces\tand tab "}, ("title", "Two spaces and tab")),
        ({"url": "http://acme.example/x?y=1"}, ("url", "http://acme.example/x?y=1")),
        ({"description": "  kept\n\nparagraphs  "}, ("description", "kept\n\nparagraphs")),
        ({"format": "IN_PERSON"}, ("format", "in_person")),
        ({"hours": "0.75"}, ("hours", Decimal("0.75"))),
        ({"price": 0}, ("price", Decimal(0))),
        ({"price": None}, ("price", None)),
        ({"member_price": "12.50"}, ("member_price", Decimal("12.50"))),
        ({"currency": "eur"}, ("currency", "EUR")),
        ({"currency": None}, ("currency", "USD")),
        ({"kind": "cpr_card"}, ("kind", "cpr_card")),
        ({"kind": None}, ("kind", "course")),
        ({"included_in": ["a", " b ", "a", ""]}, ("included_in", ("a", "b"))),
        ({"available_from": "2026-03-01"}, ("available_from", date(2026, 3, 1))),
        ({"location": " Hall  B "}, ("location", "Hall B")),
        ({"access_months": 12}, ("access_months", 12)),
        ({"scraped_at": "2026-01-02T03:04:05"}, ("scraped_at", datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC))),
        ({"source": "LIVE"}, ("source", "live")),
    ],
)
def test_good_course_fields(fields: dict[str, Any], expected: tuple[str, Any]) -> None:
    name, value = expected
    assert getattr(parse_record(course(**fields)), name) == value


def test_content_areas_and_approvals() -> None:
    record = parse_record(
        course(
            hours=2,
            content_areas={"Clinical": 1.5, "general": "0.5", "administrative": 0},
            approvals=[
                {"body": "aama", "credits": 2, "categories": {"clinical": 1.5, "general": 0.5},
                 "approval_id": " X 1 ", "expires": "2027-01-31"},
                {"body": "NHA", "credits": "1.5"},
            ],
        )
    )  # fmt: skip
    assert isinstance(record, Course)
    assert record.content_areas == {"clinical": Decimal("1.5"), "general": Decimal("0.5")}
    assert record.approvals == (
        Approval(
            "AAMA",
            Decimal(2),
            {"clinical": Decimal("1.5"), "general": Decimal("0.5")},
            "X 1",
            date(2027, 1, 31),
        ),
        Approval("NHA", Decimal("1.5")),
    )
    assert record.approval("NHA") == record.approvals[1]
    assert record.approval("AMT") is None


@pytest.mark.parametrize(
    ("fields", "expected"),
    [
        ({"provider": None}, "provider: is required"),
        ({"provider": "a b"}, "provider: may hold only letters, digits and . - _ : /"),
        ({"course_id": "x" * 201}, "course_id: is longer than 200 characters"),
        ({"title": ""}, "title: is required"),
        ({"title": 5}, "title: must be text, got int"),
        ({"url": "javascript:alert(1)"}, "url: must be an http(s) URL, got 'javascript:alert(1)'"),
        ({"url": "http://[broken"}, "url: must be an http(s) URL, got 'http://[broken'"),
        ({"format": "webinar"}, "format: must be one of online, live, in_person, print, conference, got"),
        ({"hours": 0}, "hours: must be greater than 0, got 0"),
        ({"hours": "a lot"}, "hours: must be a number, got 'a lot'"),
        ({"hours": True}, "hours: must be a number, got True"),
        ({"hours": 1e13}, "hours: must be less than 100,000, got 10000000000000.0"),
        # Bounds that keep the catalog's DECIMAL columns and cost per credit finite (issue 16).
        ({"hours": "999999999999.9999999"}, "hours: must be less than 100,000, got 999999999999.9999999"),
        ({"hours": 1e-7}, "hours: must be at least 0.01, got 1E-7"),
        ({"approvals": [{"body": "AAMA", "credits": "0.0000001"}]},
         "approvals[0].credits: must be at least 0.01, got 1E-7"),
        ({"price": 1e9}, "price: must be less than 1,000,000,000, got 1000000000.0"),
        ({"member_price": "1e400"}, "member_price: must be less than 1,000,000,000, got 1E+400"),
        ({"content_areas": {"clinical": 1e6}}, "content_areas.clinical: must be less than 100,000"),
        ({"available_from": "2026-03-01garbage"},
         "available_from: must be a date as YYYY-MM-DD, got '2026-03-01garbage'"),
        ({"available_from": "20260301"}, "available_from: must be a date as YYYY-MM-DD, got '20260301'"),
        ({"available_until": "9999-12-31"}, "available_until: must be a date from 1900-01-01 to 2199-12-31"),
        ({"approvals": [{"body": "AAMA", "credits": 1, "expires": "0001-01-01"}]},
         "approvals[0].expires: must be a date from 1900-01-01 to 2199-12-31"),
        ({"scraped_at": "0001-01-01T00:00:00+05:00"}, "scraped_at: must lie from 1900-01-01 to 2199-12-31"),
        ({"title": "Wound\ud800care"}, "title: holds a lone surrogate"),
        ({"extras": {"note": ["\udfff"]}}, "extras: holds a lone surrogate"),
        ({"price": -5}, "price: must not be negative, got -5"),
        ({"member_price": "NaN"}, "member_price: must be a number, got 'NaN'"),
        ({"currency": "dollars"}, "currency: must be an ISO 4217 code such as USD, got 'dollars'"),
        ({"content_areas": {"surgery": 1}}, "content_areas.surgery: is not a content area"),
        ({"content_areas": {"clinical": 3}}, "content_areas: add up to 3 hours, but the course lasts 1"),
        ({"content_areas": [1]}, "content_areas: must be an object of area: hours"),
        ({"approvals": {"body": "AAMA"}}, "approvals: must be a list of {body, credits, …}"),
        ({"approvals": ["AAMA"]}, "approvals[0]: must be an object with body and credits"),
        ({"approvals": [{"credits": 1}]}, "approvals[0].body: is required"),
        ({"approvals": [{"body": "A", "credits": 1}]}, "approvals[0].body: is not an approving body"),
        ({"approvals": [{"body": "AAMA", "credits": 0}]}, "approvals[0].credits: must be greater than 0"),
        ({"approvals": [{"body": "AAMA", "credits": 1, "categories": {"clinical": 2}}]},
         "approvals[0].categories: add up to 2, more than credits 1"),
        ({"approvals": [{"body": "AAMA", "credits": 1}, {"body": "aama", "credits": 2}]},
         "approvals[1].body: AAMA is listed twice"),
        ({"approvals": [{"body": "AAMA", "credits": 1, "expires": "soon"}]},
         "approvals[0].expires: must be a date as YYYY-MM-DD, got 'soon'"),
        ({"included_in": [1]}, "included_in: must be a list of ids"),
        ({"kind": "seminar"}, "kind: must be one of course, cpr_card, college_credit, got 'seminar'"),
        ({"available_from": "2026-05-01", "available_until": "2026-04-01"},
         "available_until: is before available_from"),
        ({"available_from": "May"}, "available_from: must be a date as YYYY-MM-DD, got 'May'"),
        ({"access_months": 1.5}, "access_months: must be a whole number from 1 to 1200, got 1.5"),
        ({"scraped_at": "yesterday"}, "scraped_at: must be an ISO 8601 timestamp, got 'yesterday'"),
        ({"source": None}, "source: is required"),
        ({"source": "scraped"}, "source: must be one of live, sample, import, got 'scraped'"),
        ({"type": "webinar"}, "type: must be course or offer, got 'webinar'"),
    ],
)  # fmt: skip
def test_bad_course_fields(fields: dict[str, Any], expected: str) -> None:
    found = problems(course(**fields))
    assert any(problem.startswith(expected) for problem in found), found


def test_every_problem_is_reported_at_once() -> None:
    assert problems({"type": "course", "source": "import"}) == [
        "provider: is required",
        "course_id: is required",
        "title: is required",
        "url: is required",
        "format: is required",
        "hours: is required",
    ]


def test_offer_fields() -> None:
    record = parse_record(offer(kind="Membership", price="89.00", period_months=12, currency="usd"))
    assert isinstance(record, Offer)
    assert (record.kind, record.price, record.period_months, record.currency) == (
        "membership", Decimal("89.00"), 12, "USD",
    )  # fmt: skip
    assert problems(offer(kind="gift", price=None, name=None, url="ftp://x")) == [
        "name: is required",
        "kind: must be one of subscription, membership, bundle, got 'gift'",
        "price: is required",
        "url: must be an http(s) URL, got 'ftp://x'",
    ]


def test_unknown_fields_are_kept_as_extras() -> None:
    record = parse_record(course(rating=4.5, extras={"tags": ["x"]}))
    assert record.extras == {"rating": 4.5, "tags": ["x"]}
    assert to_dict(record)["extras"] == {"rating": 4.5, "tags": ["x"]}


def test_default_source_fills_only_a_missing_source() -> None:
    assert parse_record(course(source=None), default_source="sample").source == "sample"
    assert parse_record(course(source="live"), default_source="sample").source == "live"


def test_csv_rows_carry_the_same_fields() -> None:
    row = {
        "type": "course", "provider": "acme", "course_id": "c1", "title": "Coding",
        "url": "https://a.example/c1", "format": "online", "hours": "2", "price": "15", "member_price": "",
        "content_areas": "administrative=2",
        "approvals": "AAMA:2:administrative=2;NHA:1", "included_in": "all;bundle", "source": "",
        "spreadsheet_note": "mine",
    }  # fmt: skip
    record = parse_csv_row(row, default_source="import")
    assert isinstance(record, Course)
    assert record.member_price is None
    assert record.included_in == ("all", "bundle")
    assert [a.body for a in record.approvals] == ["AAMA", "NHA"]
    assert record.approvals[0].categories == {"administrative": Decimal(2)}
    assert record.extras == {"spreadsheet_note": "mine"}
    with pytest.raises(RecordError) as caught:
        parse_csv_row({**row, "approvals": "AAMA", "content_areas": "clinical"})
    assert [str(p) for p in caught.value.problems] == [
        "content_areas: 'clinical' must look like area=hours",
    ]


def test_serialisation_round_trips() -> None:
    original = parse_record(
        course(
            price="19.99", content_areas={"clinical": 1}, approvals=[{"body": "AAMA", "credits": 1}], odd=[1]
        )
    )
    again = parse_record(json.loads(dumps(original), parse_float=Decimal))
    assert again == original


def test_iter_jsonl_reports_bad_lines_and_skips_blank_ones() -> None:
    rows = list(iter_jsonl(['{"a": 1.10}', "", "[1]", "{oops"]))
    assert rows[0] == (1, {"a": Decimal("1.10")}, None)
    assert rows[1] == (3, None, "record: must be a JSON object")
    assert rows[2][0] == 4 and rows[2][2] is not None and rows[2][2].startswith("record: not valid JSON")
