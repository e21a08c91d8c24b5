"""The bulk JSONL path must stage exactly what the exact Python path (parse_record) would."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import duckdb
import pytest

from catalog import bulk_jsonl
from catalog.load import _json_rows, _stage_rows
from catalog.records import parse_record
from catalog.staging import STAGE_TABLES, Batch
from tests.catalog.conftest import course, offer

RICH = course(
    "rich",
    description="Line one\nline two",
    hours=2.5,
    price=19.99,
    member_price=0,
    currency="CAD",
    content_areas={"clinical": 2, "general": 0.5},
    approvals=[
        {"body": "AAMA", "credits": 2.5, "categories": {"clinical": 2, "general": 0.5}, "approval_id": "A 1"},
        {"body": "NHA", "credits": 1, "expires": "2027-01-31"},
    ],
    included_in=["all", "bundle"],
    kind="cpr_card",
    available_from="2026-01-01",
    available_until="2026-06-30",
    location="Room 2",
    access_months=12,
    scraped_at="2026-01-01T10:00:00.123+02:00",
)

# Lines the bulk path must leave to parse_record: they are invalid, or valid but not in canonical form.
UNUSUAL: list[dict[str, Any] | str] = [
    course("u1", title="  padded   title "),
    course("u2", format="ONLINE"),
    course("u3", hours="1.5"),
    course("u4", price=True),
    course("u5", title=5),
    course("u6", extra_field="kept in extras"),
    course("u7", content_areas={"Clinical": 1}),
    course("u8", content_areas={"clinical": 0.5}),
    course("u9", approvals=[{"body": "aama", "credits": 1}]),
    course("u10", approvals=[{"body": "AAMA", "credits": 1}, {"body": "AAMA", "credits": 2}]),
    course("u11", included_in="a;b"),
    course("u12", included_in=["a", "a"]),
    course("u13", scraped_at="2026-01-01"),
    course("u14", url="HTTP://x.example/"),
    course("u16", type="Course"),
    course("u17", hours=0),
    course("u18", currency="usd"),
    course("u19", available_from="2026-02-01", available_until="2026-01-01"),
    course("u20", approvals=[{"body": "AAMA", "credits": 1, "categories": {"clinical": 2}}]),
    course("u21", description=" leading space"),
    course("u22", access_months=12.0),
    course("u23", provider="acmé"),
    course("u24", hours=1e13),
    course("u27", hours=100_000),  # the bounds of records.py (issue 16), each just past its edge
    course("u28", hours=0.009),
    course("u29", price=1e9),
    course("u30", approvals=[{"body": "AAMA", "credits": 0.005}]),
    course("u31", available_until="2200-01-01"),
    course("u32", approvals=[{"body": "AAMA", "credits": 1, "expires": "1899-12-31"}]),
    course("u33", scraped_at="1899-12-31T23:00:00Z"),
    course("u25", description="ends with a no-break space\u00a0", included_in=["x\u2003"]),
    course("u26", description="ends with a newline\n", included_in=["\tx"]),  # RE2's $: end of text only
    offer(),
    "[1, 2]",
]

# JSON escapes of UTF-16 surrogates: a lone one is not text (rejected), a pair is an emoji.
SURROGATES: list[dict[str, Any] | str] = [
    '{"provider": "acme", "course_id": "s1", "title": "Lone \\ud800 surrogate", "url": "https://a.example/",'
    ' "format": "online", "hours": 1, "source": "import"}',
    '{"provider": "acme", "course_id": "s2", "title": "Paired \\ud83d\\ude00 surrogates",'
    ' "url": "https://a.example/", "format": "online", "hours": 1, "source": "import"}',
]

# Lines of the JSON types pyarrow's schema expects (so it reads the whole file) that still must go to
# parse_record: nulls inside area objects (a struct cannot tell them from absent keys), empty or odd
# values, non-finite numbers.
ARROW_UNUSUAL: list[dict[str, Any] | str] = [
    course("n1", content_areas={"clinical": 1, "general": None}),
    course("n2", approvals=[{"body": "AAMA", "credits": 1, "categories": {"clinical": 1, "general": None}}]),
    course("n3", content_areas={}),
    course("n4", approvals=[None]),
    course("n5", included_in=[None]),
    course("n6", content_areas={"clinical": None}, hours=1),
    course("n7", approvals=[{"body": "AAMA", "credits": 1, "categories": {}}]),
    course("n8", price=None, title="null and void", content_areas={"clinical": 1}),
    course("n9", access_months=-3),
    course("n10", approvals=[{"body": "AAMA", "credits": 1}, {"body": "AAMA", "credits": 1}]),
    course("n11", type="offer"),
    course("n12", scraped_at=None, description=None, content_areas={"clinical": 1}),
    '{"type": "course", "provider": "p", "course_id": "n13", "title": "T", "url": "https://x.example/",'
    ' "format": "online", "hours": NaN, "source": "import"}',
    '{"type": "course", "provider": "p", "course_id": "n14", "title": "T", "url": "https://x.example/",'
    ' "format": "online", "hours": 1, "price": Infinity, "source": "import"}',
    course("n15", price=None),
    course("n16", approvals=[{"body": "NHA", "credits": 1, "categories": None, "approval_id": None}]),
]


def _stage(
    tmp_path: Path, records: list[dict[str, Any] | str], *, bulk: bool, arrow: bool = True
) -> tuple[dict[str, list[Any]], list[str]]:
    """Stage the records through the bulk path (or only the Python path); staged rows by table."""
    path = tmp_path / ("bulk.jsonl" if bulk else "slow.jsonl")
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in records) + "\n\n")
    lines = path.read_bytes().split(b"\n")
    batch = Batch(duckdb.connect())
    if bulk:
        left = bulk_jsonl.stage(str(path), lines, batch, "import", arrow=arrow)
    else:
        left = {n: batch.take_seq() for n, line in enumerate(lines, start=1) if line.strip()}
    errors = _stage_rows("f", _json_rows(lines, list(left)), batch, "import", parse=parse_record, seqs=left)
    batch.flush()
    return {name: _rows(batch, name) for name in STAGE_TABLES}, errors


def _rows(batch: Batch, name: str) -> list[Any]:
    """The staged rows of table ``name``."""
    batch.flush()
    return batch.con.sql(f"SELECT * FROM stage_{name}_in ORDER BY seq").to_arrow_table().to_pylist()


def _without_record(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in row.items() if k != "record"} for row in rows]


@pytest.mark.parametrize("arrow", [True, False], ids=["arrow", "duckdb"])
@pytest.mark.parametrize(
    "records",
    [
        [RICH, course("plain")],
        [RICH, *UNUSUAL],
        [RICH, course("plain"), *ARROW_UNUSUAL],
        [RICH, course("plain"), *SURROGATES],
    ],
    ids=["canonical", "unusual", "arrow-unusual", "surrogates"],
)
def test_bulk_staging_equals_the_python_path(
    tmp_path: Path, records: list[dict[str, Any] | str], arrow: bool
) -> None:
    fast, fast_errors = _stage(tmp_path, records, bulk=True, arrow=arrow)
    slow, slow_errors = _stage(tmp_path, records, bulk=False)
    assert fast_errors == slow_errors
    assert {name: _without_record(rows) for name, rows in fast.items()} == {
        name: _without_record(rows) for name, rows in slow.items()
    }
    for fast_row, slow_row in zip(fast["course"], slow["course"], strict=True):
        assert parse_record(json.loads(fast_row["record"])) == parse_record(json.loads(slow_row["record"]))


def test_canonical_lines_take_the_bulk_path_and_unusual_ones_do_not(tmp_path: Path) -> None:
    records = [RICH, course("plain", source=None), *UNUSUAL]
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in records) + "\n")
    batch = Batch(duckdb.connect())
    left = bulk_jsonl.stage(str(path), path.read_bytes().split(b"\n"), batch, "sample")
    assert list(left) == list(range(3, len(records) + 1))
    staged = _rows(batch, "course")
    assert sorted(r["course_id"] for r in staged) == ["plain", "rich"]
    assert json.loads(next(r for r in staged if r["course_id"] == "plain")["record"])["source"] == "sample"


def test_invalid_json_anywhere_sends_the_whole_file_to_the_python_path(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(json.dumps(course("a")) + "\n{broken\n")
    batch = Batch(duckdb.connect())
    assert list(bulk_jsonl.stage(str(path), path.read_bytes().split(b"\n"), batch, "import")) == [1, 2]
    assert _rows(batch, "course") == []


def _lines(records: list[dict[str, Any] | str]) -> list[bytes]:
    return [(r if isinstance(r, str) else json.dumps(r)).encode() for r in records]


def test_arrow_reads_typed_files_and_leaves_nulls_in_areas_to_the_python_path(tmp_path: Path) -> None:
    records = [RICH, course("plain"), *ARROW_UNUSUAL]
    assert bulk_jsonl.read_arrow(_lines(records)) is not None  # the arrow path really runs here
    path = tmp_path / "in.jsonl"
    path.write_text("\n".join(line.decode() for line in _lines(records)) + "\n")
    batch = Batch(duckdb.connect())
    left = bulk_jsonl.stage(str(path), path.read_bytes().split(b"\n"), batch, "import")
    staged = sorted(r["course_id"] for r in _rows(batch, "course"))
    # n8 is valid but has "null" in its text and an area object: left to the exact path to be safe.
    assert staged == ["n12", "n15", "n16", "plain", "rich"]
    assert len(left) == len(records) - len(staged)


@pytest.mark.parametrize(
    "line",
    [
        json.dumps(course("x", extra_field=1)),
        json.dumps(course("x", content_areas={"clinical": 0.5, "surgery": 0.5})),
        json.dumps(course("x", approvals=[{"body": "AAMA", "credits": 1, "note": "n"}])),
        json.dumps(course("x", hours="1")),
        json.dumps(course("x", access_months=12.0)),
        '{"provider": "a", "pr\\u006fvider": "b"}',
        '{"provider": "a"} {"provider": "b"}',
        "[1, 2]",
    ],
)
def test_arrow_refuses_files_it_cannot_read_exactly(line: str) -> None:
    assert bulk_jsonl.read_arrow([json.dumps(course("ok")).encode(), line.encode()]) is None
    assert bulk_jsonl.read_arrow([b'{"provider": "\xff"}']) is None


@pytest.mark.parametrize(
    "layout",
    ["plain", "no-final-newline", "crlf", "blank-lines", "whitespace-line", "not-utf8", "unusual"],
)
def test_staging_a_whole_file_equals_staging_its_lines(tmp_path: Path, layout: str) -> None:
    """``stage_file`` (whole file in place when it has no blank line) = ``stage`` on the split lines."""
    records: list[dict[str, Any] | str] = [RICH, course("plain"), course("plain2", source=None)]
    if layout == "unusual":
        records += [*UNUSUAL[:3], *ARROW_UNUSUAL[:2]]
    text = "\n".join(r if isinstance(r, str) else json.dumps(r) for r in records) + "\n"
    data = {
        "plain": text.encode(),
        "no-final-newline": text.rstrip("\n").encode(),
        "crlf": text.replace("\n", "\r\n").encode(),
        "blank-lines": ("\n" + text.replace("\n", "\n\n", 1)).encode(),
        "whitespace-line": text.replace("\n", "\n   \n", 1).encode(),
        "not-utf8": text.encode() + b'{"title": "\xff"}\n',
        "unusual": text.encode(),
    }[layout]
    path = tmp_path / "in.jsonl"
    path.write_bytes(data)
    whole, by_line = Batch(duckdb.connect()), Batch(duckdb.connect())
    left = bulk_jsonl.stage_file(str(path), bulk_jsonl.parse_file(data), whole, "import")
    assert left == bulk_jsonl.stage(str(path), data.split(b"\n"), by_line, "import")
    assert _rows(whole, "course") == _rows(by_line, "course")
    if layout == "not-utf8":  # the Python path reports the line; nothing is staged in bulk
        assert list(left) == [1, 2, 3, 4]
    else:  # the bulk path really staged the plain lines
        assert len(_rows(whole, "course")) >= 3
