"""Bulk JSON Lines staging (placeholder: every line takes the exact Python path)."""

from __future__ import annotations

from catalog.staging import Batch


def stage(lines: list[bytes], batch: Batch, default_source: str) -> list[int]:
    """Stage what can be staged in bulk; returns the 1-based numbers of the lines left to parse one by one."""
    return [number for number, line in enumerate(lines, start=1) if line.strip()]
