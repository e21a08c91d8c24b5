"""Staging: validated records as Arrow tables, ready for one set-based upsert into the catalog.

Every record gets a ``seq`` (its position in the batch, so the last copy of a key wins). A course's
approvals (a list of structs, each with its categories) and content areas (a struct of the three areas)
stay nested in its row, so the upsert computes everything it needs per row without joining child
tables. Numbers are staged as
float64 — the precision of the record's JSON form (``records.to_dict``) — and cast to DECIMAL on upsert.

The staged rows are Arrow tables registered on the connection, and queries over what bulk readers
registered (read once, when the batch is published), behind one view ``stage_<name>_in`` — not DuckDB
temporary tables: DuckDB scans an Arrow table one record batch per thread, while an in-memory table of
100,000 rows is one row group that only one thread reads — so every statement of the upsert after it, and
the compression of the inserted rows, would run on one core.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import duckdb
import numpy as np
import pyarrow as pa

from catalog.records import AREAS, Course, Offer, Record, to_dict

_TS = pa.timestamp("us", tz="UTC")
AREA_STRUCT = pa.struct([(area, pa.float64()) for area in AREAS])
"""Amounts per content area (hours, or a body's credits), NULL for an area not named."""

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
        ("content_areas", AREA_STRUCT),
        (
            "approvals",
            pa.list_(
                pa.struct(
                    [
                        ("body", pa.string()),
                        ("credits", pa.float64()),
                        ("approval_id", pa.string()),
                        ("expires", pa.date32()),
                        ("categories", AREA_STRUCT),
                    ]
                )
            ),
        ),
    ]
)
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


def numbered(first: int, count: int, kind: pa.DataType = pa.int64()) -> pa.Array:
    """The integers ``first, first + 1, …`` (``count`` of them) as an Arrow array of ``kind`` (int32 or
    int64). Built from a NumPy buffer: ``pa.array`` first imports pandas (~0.7 s in a fresh `recert`
    process) to ask whether its argument is a pandas object; loading canonical JSON Lines never needs it."""
    values = np.arange(first, first + count, dtype=kind.to_pandas_dtype())
    return pa.Array.from_buffers(kind, count, [None, pa.py_buffer(values)])


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def _areas(amounts: Mapping[str, Decimal]) -> dict[str, float | None] | None:
    """An {area: amount} mapping as an AREA_STRUCT value (None for no areas at all)."""
    return {area: _number(amounts.get(area)) for area in AREAS} if amounts else None


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


STAGE_TABLES: dict[str, pa.Schema] = {"course": COURSE_SCHEMA, "offer": OFFER_SCHEMA}


class Batch:
    """Records being staged for one load, visible to SQL on ``con`` as ``stage_<name>_in`` after
    ``flush``; numbered (``seq``) in the order they were read. Bulk readers hand over Arrow tables
    (``add_arrow``); records added one by one are buffered as rows."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self.next_seq = 0
        self._rows = {name: _Rows(schema) for name, schema in STAGE_TABLES.items()}
        self._tables: dict[str, list[pa.Table]] = {name: [] for name in STAGE_TABLES}
        self._queries: dict[str, list[str]] = {name: [] for name in STAGE_TABLES}
        self._registered: dict[str, pa.Table] = {}
        self._kept: list[object] = []
        self._query_rows = 0
        self.flush()

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

    def add_arrow(self, name: str, table: pa.Table) -> None:
        """Stage rows of table ``name`` read in bulk (any column order; cast to the staging schema)."""
        schema = STAGE_TABLES[name]
        self._tables[name].append(table.select(schema.names).cast(schema))

    def add_query(self, name: str, sql: str, *, rows: int, keep: object = None) -> None:
        """Stage the ``rows`` rows a SELECT over this connection gives (the staging schema's columns, by
        name), read when the batch is published; ``keep``: what the query reads, kept alive until then."""
        self._queries[name].append(sql)
        self._query_rows += rows
        self._kept.append(keep)

    def staged(self) -> int:
        """How many records (courses and offers) are staged, copies of a key included (after ``flush``)."""
        return self._query_rows + sum(table.num_rows for table in self._registered.values())

    def flush(self) -> None:
        """Make everything staged so far visible as ``stage_<name>_in`` (a view over the parts)."""
        for name, rows in self._rows.items():
            if rows.columns["seq"]:
                self._tables[name].append(rows.table())
                self._rows[name] = _Rows(rows.schema)
            parts = self._tables[name]
            table = pa.concat_tables(parts) if parts else pa.Table.from_batches([], STAGE_TABLES[name])
            self._registered[name] = table  # the connection only borrows the table: keep it alive
            self.con.register(f"stage_{name}_rows", table)
            parts_sql = [f"stage_{name}_rows", *(f"({sql})" for sql in self._queries[name])]
            union = " UNION ALL BY NAME ".join(f"SELECT * FROM {part}" for part in parts_sql)  # noqa: S608 (our SQL)
            self.con.execute(f"CREATE OR REPLACE TEMP VIEW stage_{name}_in AS {union}")

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
            _areas(course.content_areas),
            [
                {
                    "body": approval.body,
                    "credits": float(approval.credits),
                    "approval_id": approval.approval_id,
                    "expires": approval.expires,
                    "categories": _areas(approval.categories),
                }
                for approval in course.approvals
            ],
        )

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
