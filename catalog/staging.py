"""Staging: validated records in temp tables, ready for one set-based upsert into the catalog.

Every record gets a ``seq`` (its position in the batch, so the last copy of a key wins); child rows
(approvals, approval categories, content areas) carry the ``seq`` of their record. Numbers are staged as
float64 — the precision of the record's JSON form (``records.to_dict``) — and cast to DECIMAL on upsert.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import duckdb
import pyarrow as pa

from catalog.records import Course, Offer, Record, to_dict

_TS = pa.timestamp("us", tz="UTC")

COURSE_SCHEMA = pa.schema(
    [
        ("seq", pa.int64()),
        ("provider", pa.string()),
        ("course_id", pa.string()),
        ("title", pa.string()),
        ("url", pa.string()),
        ("description", pa.string()),
        ("format", pa.string()),
        ("hours", pa.float64()),
        ("price", pa.float64()),
        ("member_price", pa.float64()),
        ("currency", pa.string()),
        ("kind", pa.string()),
        ("included_in", pa.list_(pa.string())),
        ("available_from", pa.date32()),
        ("available_until", pa.date32()),
        ("location", pa.string()),
        ("access_months", pa.int32()),
        ("source", pa.string()),
        ("scraped_at", _TS),
        ("extras", pa.string()),
        ("record", pa.string()),
    ]
)
APPROVAL_SCHEMA = pa.schema(
    [
        ("seq", pa.int64()),
        ("body", pa.string()),
        ("credits", pa.float64()),
        ("approval_id", pa.string()),
        ("expires", pa.date32()),
    ]
)
APPROVAL_AREA_SCHEMA = pa.schema(
    [("seq", pa.int64()), ("body", pa.string()), ("area", pa.string()), ("credits", pa.float64())]
)
AREA_SCHEMA = pa.schema([("seq", pa.int64()), ("area", pa.string()), ("hours", pa.float64())])
OFFER_SCHEMA = pa.schema(
    [
        ("seq", pa.int64()),
        ("provider", pa.string()),
        ("offer_id", pa.string()),
        ("name", pa.string()),
        ("kind", pa.string()),
        ("price", pa.float64()),
        ("currency", pa.string()),
        ("period_months", pa.int32()),
        ("url", pa.string()),
        ("description", pa.string()),
        ("source", pa.string()),
        ("scraped_at", _TS),
        ("extras", pa.string()),
        ("record", pa.string()),
    ]
)


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def _extras_json(record_dict: dict[str, Any]) -> str | None:
    extras = record_dict.get("extras")
    return json.dumps(extras, sort_keys=True, ensure_ascii=False) if extras else None


@dataclass
class _Rows:
    """Column lists for one staging table."""

    schema: pa.Schema
    columns: dict[str, list[Any]] = field(init=False)

    def __post_init__(self) -> None:
        self.columns = {name: [] for name in self.schema.names}

    def add(self, *values: Any) -> None:
        for column, value in zip(self.columns.values(), values, strict=True):
            column.append(value)

    def table(self) -> pa.Table:
        return pa.table(self.columns, schema=self.schema)


STAGE_TABLES: dict[str, pa.Schema] = {
    "course": COURSE_SCHEMA,
    "approval": APPROVAL_SCHEMA,
    "approval_area": APPROVAL_AREA_SCHEMA,
    "area": AREA_SCHEMA,
    "offer": OFFER_SCHEMA,
}


class Batch:
    """Records being staged for one load into temp tables ``stage_<name>_in`` of ``con``; numbered
    (``seq``) in the order they were read. Bulk readers insert into those tables directly; records
    added one by one are buffered and written by ``flush``."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.next_seq = 0
        self._rows = {name: _Rows(schema) for name, schema in STAGE_TABLES.items()}
        for name, schema in STAGE_TABLES.items():
            con.register("stage_empty", schema.empty_table())
            con.execute(f"CREATE OR REPLACE TEMP TABLE stage_{name}_in AS SELECT * FROM stage_empty")  # noqa: S608
            con.unregister("stage_empty")

    def take_seq(self, count: int = 1) -> int:
        """Reserve ``count`` consecutive sequence numbers; returns the first."""
        first = self.next_seq
        self.next_seq += count
        return first

    def add(self, record: Record, seq: int | None = None) -> None:
        """Stage one validated record (``seq``: its place in the batch, if reserved with ``take_seq``)."""
        seq = self.take_seq() if seq is None else seq
        if isinstance(record, Course):
            self._add_course(seq, record)
        else:
            self._add_offer(seq, record)

    def add_all(self, records: Iterable[Record]) -> None:
        for record in records:
            self.add(record)

    def flush(self) -> None:
        """Write the buffered records into the staging tables."""
        for name, rows in self._rows.items():
            if rows.columns["seq"]:
                self.con.register("stage_rows", rows.table())
                self.con.execute(f"INSERT INTO stage_{name}_in BY NAME SELECT * FROM stage_rows")  # noqa: S608
                self.con.unregister("stage_rows")
            self._rows[name] = _Rows(rows.schema)

    def providers(self) -> list[str]:
        """Every provider with a staged course or offer (after ``flush``)."""
        sql = "SELECT provider FROM stage_course_in UNION SELECT provider FROM stage_offer_in ORDER BY 1"
        return [provider for (provider,) in self.con.execute(sql).fetchall()]

    def _add_course(self, seq: int, course: Course) -> None:
        as_dict = to_dict(course)
        self._rows["course"].add(
            seq,
            course.provider,
            course.course_id,
            course.title,
            course.url,
            course.description,
            course.format,
            float(course.hours),
            _number(course.price),
            _number(course.member_price),
            course.currency,
            course.kind,
            list(course.included_in),
            course.available_from,
            course.available_until,
            course.location,
            course.access_months,
            course.source,
            course.scraped_at,
            _extras_json(as_dict),
            json.dumps(as_dict, ensure_ascii=False),
        )
        for approval in course.approvals:
            self._rows["approval"].add(
                seq, approval.body, float(approval.credits), approval.approval_id, approval.expires
            )
            for area, credits in approval.categories.items():
                self._rows["approval_area"].add(seq, approval.body, area, float(credits))
        for area, hours in course.content_areas.items():
            self._rows["area"].add(seq, area, float(hours))

    def _add_offer(self, seq: int, offer: Offer) -> None:
        as_dict = to_dict(offer)
        self._rows["offer"].add(
            seq,
            offer.provider,
            offer.offer_id,
            offer.name,
            offer.kind,
            float(offer.price),
            offer.currency,
            offer.period_months,
            offer.url,
            offer.description,
            offer.source,
            offer.scraped_at,
            _extras_json(as_dict),
            json.dumps(as_dict, ensure_ascii=False),
        )
