"""A plan you can print: the PDF behind `recert plan --format pdf` and the app's download button.

One page or more (fpdf2): the total, each course with its link, what to buy, each credential's cycle end
and the date to apply by (``plan_output.apply_by_lines``, as `recert plan` states it), and the sample-data
notice when the plan was made from sample records. Money in USD, hours in contact
hours. The built-in PDF fonts cover Latin-1 only, so other characters are written as their nearest
Latin-1 form (a dash for "—", "..." for "…"), the same on every machine.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING

from recert.plan_output import apply_by_lines, counts_for_all_header, plan_rows
from recert.words import credential_name

if TYPE_CHECKING:
    from recommender.planner.model import PlanResult
    from recommender.rules.profile import Profile

SAMPLE_WORDS = (
    "Sample data: these courses come from Recert's bundled synthetic mirrors, not from the providers' live "
    "sites. Prices and courses are illustrative only."
)
_PLAIN = str.maketrans({
    "—": "-", "–": "-", "•": "-", "’": "'", "‘": "'", "“": '"', "”": '"', "…": "...", "→": "->", "↳": "-",
    "⚠": "!", "≥": ">=", "≤": "<=", "−": "-", "\u00a0": " ",
})  # fmt: skip


def printable(text: str) -> str:
    """``text`` in the PDF's Latin-1 fonts: typographic marks as their plain forms, anything else "?"."""
    return text.translate(_PLAIN).encode("latin-1", "replace").decode("latin-1")


def plan_pdf(result: PlanResult, profile: Profile, *, sample: bool, today: date | None = None) -> bytes:
    """The plan as PDF bytes (for a file or a download button)."""
    from fpdf import FPDF

    pdf = FPDF(format="Letter")
    pdf.set_title("Recert plan")
    pdf.set_creator("Recert")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    width = pdf.epw

    def line(text: str, *, size: float = 10, style: str = "", link: str = "", height: float = 5) -> None:
        pdf.set_font("Helvetica", style=style, size=size)
        pdf.multi_cell(width, height, printable(text), new_x="LMARGIN", new_y="NEXT", link=link)

    line("Your recertification plan", size=16, style="B", height=8)
    line(f"Made {(today or date.today()).isoformat()} by Recert", size=9)
    if sample:
        pdf.set_text_color(150, 80, 0)
        line(SAMPLE_WORDS, size=9, style="B")
        pdf.set_text_color(0, 0, 0)
    pdf.ln(2)
    line(
        f"Total: ${result.total_cost:.2f} for {result.total_hours.normalize():f} h of study",
        size=12,
        style="B",
    )
    deadlines = apply_by_lines(result, profile)
    for held in profile.credentials:
        end = f"the cycle ends {held.cycle_end.isoformat()}" if held.cycle_end else "cycle end not entered"
        totals = next((t for t in result.credentials if t.credential_id == held.id), None)
        counted = ""
        if totals is not None:
            counted = (
                f": {totals.counted_total.normalize():f} of {totals.required_total.normalize():f} "
                f"{totals.unit.replace('_', ' ')}s counted with this plan"
            )
        line(f"{credential_name(held.id)} - {end}{counted}")
        if held.id in deadlines:
            line(f"    {deadlines[held.id]['words']}", size=9)
    # links only to http(s) pages: a scraped URL is untrusted
    rows = [
        replace(row, url=row.url if row.url.lower().startswith(("https://", "http://")) else "")
        for row in plan_rows(result)
    ]
    courses = [row for row in rows if not row.is_offer]
    both = counts_for_all_header(len(result.credentials))
    pdf.ln(3)
    line("Courses", size=13, style="B", height=7)
    if not courses:
        line("No course is needed: you already have the credit you need.")
    for number, row in enumerate(courses, start=1):
        pdf.set_text_color(0, 60, 160)
        line(f"{number}. {row.what}", style="B", link=row.url)
        pdf.set_text_color(0, 0, 0)
        details = [row.provider, row.paid, row.hours, row.credit]
        if both:
            details.append(f"{both.rstrip('?').lower()}: {row.counts_for_all}")
        line(" | ".join(details), size=9)
        if row.url:
            line(row.url, size=8, link=row.url)
        pdf.ln(1)
    pdf.ln(2)
    line("What to buy", size=13, style="B", height=7)
    buys = [row for row in rows if row.is_offer or not row.paid.startswith(("$0.00", "free", "included"))]
    if not buys:
        line("Nothing: every course in the plan is free, included in what you hold, or at $0.00.")
    for row in buys:
        line(f"- {row.what} ({row.provider}): {row.paid}")
    if result.same_cost_words:
        pdf.ln(2)
        line(result.same_cost_words, size=9)
    return bytes(pdf.output())
