"""Flat per-body columns of table ``course``: credits and cost per credit for the common approving bodies.

Filtering and sorting on a plain column is several times cheaper than looking a body up in the
``credits`` map and dividing on every row, so the loader keeps these columns in step with ``credits`` and
``price`` and the query module uses them when the chosen body has one (other bodies use the map).
"""

from __future__ import annotations

from catalog.registry import CERTIFYING_BODIES


def credits_column(body: str) -> str | None:
    """The column holding ``body``'s credits (DECIMAL(18, 6), NULL when it did not approve the course)."""
    return f"credits_{body.lower()}" if body in CERTIFYING_BODIES else None


def cost_column(body: str) -> str | None:
    """The column holding list price ÷ ``body``'s credits (DECIMAL(18, 4), in the course's currency)."""
    return f"cost_per_{body.lower()}" if body in CERTIFYING_BODIES else None


def cost_expression(price: str, credits: str) -> str:
    """SQL for cost per credit, rounded as stored (4 decimal places)."""
    return f"CAST(round({price} / {credits}, 4) AS DECIMAL(18, 4))"


def flat_columns() -> tuple[str, ...]:
    """Every flat column, in table order."""
    return tuple(
        name for body in CERTIFYING_BODIES for name in (credits_column(body), cost_column(body)) if name
    )


def flat_select(price: str, credits_map: str) -> str:
    """SELECT-list items computing every flat column from a price and a body → credits map."""
    items = []
    for body in CERTIFYING_BODIES:
        credits = f"CAST({credits_map}['{body}'] AS DECIMAL(18, 6))"
        items.append(f"{credits} AS {credits_column(body)}")
        items.append(f"{cost_expression(price, credits)} AS {cost_column(body)}")
    return ", ".join(items)
