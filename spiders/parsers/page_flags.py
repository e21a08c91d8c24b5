"""Page-level flags provider spiders check before building an item: template junk, products no longer
on sale, and values a (synthetic) page marks as unverified.

Pure functions over text or a Scrapy selector; owned by the provider spiders (aama, relias).
"""

from __future__ import annotations

import re
from typing import Any

from spiders.parsers import clean_text

_PLACEHOLDER_RE = re.compile(
    r"\blorem ipsum\b|\bdolor sit amet\b|^\s*(?:test|sample|placeholder) (?:course|title)\b", re.I
)
_UNAVAILABLE: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("sold_out", re.compile(r"\bsold out\b|\bregistration (?:is )?closed\b|\bevent is full\b", re.I)),
    ("ended", re.compile(r"\b(?:this|the) (?:event|webinar|session) has (?:ended|passed)\b", re.I)),
    (
        "retired",
        re.compile(r"\bretired\b|\bno longer (?:available|offered|for sale)\b|\bdiscontinued\b", re.I),
    ),
)


def is_placeholder(text: str | None) -> bool:
    """True for template junk ("Lorem ipsum dolor sit amet", "Test course …")."""
    return bool(_PLACEHOLDER_RE.search(clean_text(text)))


def unavailable_reason(text: str | None) -> str | None:
    """ "sold_out", "ended" or "retired" when a status text says the product cannot be bought, else None."""
    raw = clean_text(text)
    for reason, pattern in _UNAVAILABLE:
        if pattern.search(raw):
            return reason
    return None


def unverified_fields(node: Any) -> list[str]:
    """Fields the page marks ``data-unverified="price member_price"`` (Recert's synthetic mirrors label
    the values the reference could not confirm); sorted, each once."""
    names = " ".join(node.css("[data-unverified]::attr(data-unverified)").getall()).split()
    return sorted(set(names))
