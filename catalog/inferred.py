"""Writing table ``inferred_area``: the ML model's sure content-area guesses for courses whose provider
states none (see migrations/050_ml.sql). Reading them: ``catalog.queries.inferred_areas``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import datetime

from catalog.db import writing

# (provider, course_id, area, probability 0–1, model version, inferred at)
InferredRow = tuple[str, str, str, float, str, datetime]


def replace_inferred_areas(path: str | os.PathLike[str], rows: Sequence[InferredRow]) -> None:
    """Replace every inferred area of the catalog at ``path`` with ``rows``, in one atomic publish."""
    with writing(path) as con:
        con.execute("DELETE FROM inferred_area")
        if rows:
            con.executemany("INSERT INTO inferred_area VALUES (?, ?, ?, ?, ?, ?)", list(rows))
        # A course removed between reading and writing must not keep an inferred area.
        con.execute(
            "DELETE FROM inferred_area i WHERE NOT EXISTS "
            "(SELECT 1 FROM course c WHERE c.provider = i.provider AND c.course_id = i.course_id)"
        )
