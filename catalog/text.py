"""Counts in words, one rule for every layer (the crawl's run notes, the CLI and the app):
``plural(1, "field problem")`` → "1 field problem", ``plural(6, "field problem")`` → "6 field problems"."""

from __future__ import annotations


def plural(count: int, word: str, many: str | None = None) -> str:
    """``count`` and ``word``, the word in the plural unless the count is exactly 1 (thousands separated);
    ``many`` gives an irregular plural ("1 body", "2 bodies")."""
    return f"{count:,} {word if count == 1 else (many or f'{word}s')}"
