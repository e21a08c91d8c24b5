"""catalog.records.read_jsonl_file: a user's own course list for `recert plan` and `recert check`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from catalog.records import Course, Offer, RecordFileError, read_jsonl_file

COURSE = {
    "type": "course", "provider": "p", "course_id": "c1", "title": "EKG basics", "url": "https://p.org/c1",
    "format": "online", "hours": 1.5, "price": "19.95",
}  # fmt: skip
OFFER = {"type": "offer", "provider": "p", "offer_id": "all", "name": "All access", "kind": "subscription",
         "price": 99}  # fmt: skip


def test_reads_courses_and_offers_with_import_as_default_source(tmp_path: Path) -> None:
    path = tmp_path / "mine.jsonl"
    path.write_text(f"{json.dumps(COURSE)}\n\n{json.dumps(OFFER)}\n", encoding="utf-8")
    courses, offers = read_jsonl_file(path)
    assert [type(c) for c in courses] == [Course] and [type(o) for o in offers] == [Offer]
    assert courses[0].source == "import" and str(courses[0].price) == "19.95"


def test_every_bad_line_is_named_and_nothing_is_returned(tmp_path: Path) -> None:
    path = tmp_path / "mine.jsonl"
    path.write_text(
        f"{json.dumps(COURSE)}\nnot json\n{json.dumps({**COURSE, 'hours': 0})}\n", encoding="utf-8"
    )
    with pytest.raises(RecordFileError) as raised:
        read_jsonl_file(path)
    assert raised.value.errors[0].startswith(f"{path}:2: record: not valid JSON")
    assert raised.value.errors[1] == f"{path}:3: hours: must be greater than 0, got 0"
    assert len(raised.value.errors) == 2
