"""Build the synthetic ACE mirror (deterministic): ``.venv/bin/python data/mirrors/ace/build.py``.

Pages in the likeness of annalsofcontinuingeducation.com as described in
docs/sources.md (§ ACE) (WordPress-like root slugs with a trailing slash; Administrative /
Clinical / General vocabulary). The real catalog and course markup is unknown: everything here is invented.
Values the reference marks unverified (the $29.95 annual membership; AAMA/AMT/NHA/ARMA approvals) are marked
on the pages with ``data-unverified="<field>"``.

Writes index.html, robots.txt, courses/ (catalog pages with pagination), courses/<slug>/ (detail pages),
membership/, a blog post, and ``expected.jsonl``: the records a correct crawl yields. ``build(out, n)``
is also used by bench/bench_crawl.py to make large mirrors.
"""

from __future__ import annotations

import html
import json
import random
import sys
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 29_95
PER_PAGE = 10
MEMBERSHIP_PRICE = Decimal("29.95")  # [unverified] commonly quoted; labelled on the page
REAL_BASE = "https://annalsofcontinuingeducation.com"

SUBJECTS = {
    "administrative": [
        "Medical Office Scheduling", "ICD-10-CM Coding Basics", "Insurance Verification", "HIPAA Privacy Rules",
        "Medical Billing Cycles", "Electronic Health Records", "Patient Intake Workflow", "Telephone Triage Etiquette",
        "Prior Authorization", "Front Desk Communication",
    ],
    "clinical": [
        "Vital Signs Refresher", "Venipuncture Technique", "Injection Safety", "Electrocardiogram Lead Placement",
        "Infection Control", "Point-of-Care Testing", "Wound Care Basics", "Medication Administration",
        "Pediatric Immunizations", "Specimen Collection",
    ],
    "general": [
        "Professional Ethics", "Cultural Competence", "Workplace Safety", "Patient Education",
        "Legal Issues in Practice", "Stress Management for Caregivers", "Health Literacy", "Team Communication",
    ],
}  # fmt: skip
LEVELS = ("", ": Part 2", ": Advanced Topics")
HOURS = (Decimal("1"), Decimal("1.5"), Decimal("2"), Decimal("0.5"), Decimal("3"))
AREA_WORD = {"administrative": "Administrative", "clinical": "Clinical", "general": "General"}
BODY_UNITS = {"AAMA": Decimal(1), "AMT": Decimal(1), "NHA": Decimal(2), "ARMA": Decimal(1)}  # hours per credit


def esc(text: str) -> str:
    return html.escape(text, quote=True)


def layout(title: str, body: str) -> str:
    return f"""<!DOCTYPE html>
<html lang="en-US"><head><meta charset="UTF-8"><title>{esc(title)} &#8211; Annals of Continuing Education</title>
<link rel="stylesheet" href="/wp-content/themes/ace/style.css"></head>
<body class="wp-site">
<header class="site-header"><a class="site-title" href="/">Annals of Continuing Education</a>
<nav class="main-nav"><a href="/courses/">Courses</a> <a href="/membership/">Membership</a>
<a href="/medical-assistant-ceu-options-and-requirements/">Blog</a> <a href="/wp-admin/">Log in</a></nav></header>
<main id="main" class="site-main">
{body}
</main>
<footer class="site-footer"><p>Synthetic mirror page for Recert tests &#8212; not real course data.</p></footer>
</body></html>
"""


def plan_courses(rng: random.Random, count: int) -> list[dict]:
    """``count`` distinct invented courses: slug, title, hours, areas (area → hours), price, approvals."""
    names = [(s, a, lvl) for a, subjects in SUBJECTS.items() for s in subjects for lvl in LEVELS]
    rng.shuffle(names)
    courses = []
    for index in range(count):
        subject, area, level = names[index % len(names)]
        title = subject + level + (f" ({index // len(names) + 1})" if index >= len(names) else "")
        hours = HOURS[rng.randrange(len(HOURS))]
        areas = {area: hours}
        if hours >= 2 and index % 4 == 0:
            other = "general" if area != "general" else "administrative"
            areas = {area: hours - Decimal("0.5"), other: Decimal("0.5")}
        roll = rng.random()
        price = None if roll < 0.6 else (Decimal("0") if roll < 0.7 else Decimal(rng.choice(("9.95", "14.95", "19.95"))))
        slug = "".join(c if c.isalnum() else "-" for c in title.lower()).strip("-")
        while "--" in slug:
            slug = slug.replace("--", "-")
        courses.append({"slug": slug, "title": title, "hours": hours, "areas": areas, "price": price})
    return courses


def number(value: Decimal) -> str:
    text = format(value.normalize(), "f")
    return text


def area_text(areas: dict[str, Decimal]) -> str:
    if len(areas) == 1:
        return AREA_WORD[next(iter(areas))]
    return " / ".join(f"{AREA_WORD[a]}: {number(h)}" for a, h in areas.items())


def price_html(price: Decimal | None) -> str:
    if price is None:
        return '<li class="price">Price: Included with ACE membership</li>'
    if price == 0:
        return '<li class="price">Price: Free</li>'
    return f'<li class="price">Price: ${price} &middot; or included with ACE membership</li>'


def detail_page(course: dict, *, title_html: str | None = None, price: str | None = None,
                ceus: str | None = None, areas: str | None = None, extra: str = "") -> str:  # fmt: skip
    ceus = ceus if ceus is not None else f"{number(course['hours'])} AAMA CEUs"
    areas = areas if areas is not None else area_text(course["areas"])
    price = price if price is not None else price_html(course["price"])
    body = f"""<article class="course type-course status-publish">
<h1 class="entry-title">{title_html or esc(course["title"])}</h1>
<ul class="course-meta">
<li class="ceus">CEUs: {ceus}</li>
<li class="content-area">Content area: {areas}</li>
<li class="approvals" data-unverified="approvals">Approved by AAMA, AMT, NHA and ARMA</li>
{price}
</ul>
<div class="entry-content"><p>This self-paced online course reviews {esc(course["title"].lower())} for medical
assistants. Read the lesson, then pass the 10-question post-test with 70% or better to print your certificate.</p>
{extra}</div>
<p><a class="button enroll" href="/membership/">Join to start</a></p>
</article>"""
    return layout(course["title"], body)


def card(course: dict, href: str | None = None) -> str:
    href = href or f"/courses/{course['slug']}/"
    return f"""<article class="course-card">
<h2 class="entry-title"><a href="{href}">{esc(course["title"])}</a></h2>
<p class="card-meta">{number(course["hours"])} CEUs &middot; {area_text(course["areas"])}</p>
</article>"""


def catalog_page(cards: list[str], page: int, pages: int) -> str:
    links = []
    if page > 1:
        prev = "/courses/" if page == 2 else f"/courses/page/{page - 1}/"
        links.append(f'<a class="prev page-numbers" href="{prev}">&laquo; Previous</a>')
    for n in range(1, pages + 1):
        href = "/courses/" if n == 1 else f"/courses/page/{n}/"
        links.append(f'<a class="page-numbers" href="{href}">{n}</a>' if n != page else f'<span class="page-numbers current">{n}</span>')
    if page < pages:
        links.append(f'<a class="next page-numbers" href="/courses/page/{page + 1}/">Next &raquo;</a>')
    body = f"""<h1 class="page-title">Course Catalog</h1>
<div class="course-grid">
{chr(10).join(cards)}
</div>
<nav class="navigation pagination">{" ".join(links)}</nav>"""
    return layout("Course Catalog" + (f" &#8211; Page {page}" if page > 1 else ""), body)


def membership_page() -> str:
    body = f"""<article class="page membership">
<h1 class="entry-title">ACE Annual Membership</h1>
<p class="membership-price"><span class="amount" data-unverified="price">${MEMBERSHIP_PRICE}</span> per year</p>
<p class="membership-term">Unlimited access to every course in the catalog for 12 months.</p>
<p><a class="button" href="/wp-login.php?action=register">Join now</a></p>
</article>"""
    return layout("Membership", body)


def course_record(course: dict) -> dict:
    hours = course["hours"]
    record: dict = {
        "type": "course", "provider": "ace", "course_id": course["slug"], "title": course["title"],
        "url": f"{REAL_BASE}/courses/{course['slug']}/", "format": "online", "hours": hours,
        "content_areas": course["areas"],
    }  # fmt: skip
    if course["price"] is not None:
        record["price"] = course["price"]
    if course["price"] != 0:  # the page says "included with ACE membership"
        record["included_in"] = ["annual-membership"]
    record["approvals"] = [
        {"body": body, "credits": hours / per, **({"categories": {a: h / per for a, h in course["areas"].items()}} if body == "AAMA" else {})}
        for body, per in BODY_UNITS.items()
    ]  # fmt: skip
    return record


def build(out: Path, count: int = 60, *, odd_pages: bool = True) -> list[dict]:
    """Write the mirror to ``out``; return the expected records (courses, then the membership offer)."""
    rng = random.Random(SEED)
    courses = plan_courses(rng, count)
    files: dict[str, str] = {
        "robots.txt": "User-agent: *\nDisallow: /wp-admin/\nDisallow: /members/\n",
        "index.html": layout("Home", '<h1>Annals of Continuing Education</h1><p><a href="/courses/">Browse courses</a></p>'),
        "membership/index.html": membership_page(),
        "medical-assistant-ceu-options-and-requirements/index.html": layout(
            "Medical Assistant CEU Options", "<article><h1>Medical Assistant CEU Options and Requirements</h1>"
            "<p>Invented blog text for the mirror.</p></article>"),
        "members/index.html": layout("Members", "<p>Members only (never crawled: robots.txt).</p>"),
    }  # fmt: skip
    expected = []
    cards = []
    for index, course in enumerate(courses):
        record = course_record(course)
        page = detail_page(course)
        if odd_pages and index == 3:  # HTML entities and non-ASCII in the title
            course["title"] = record["title"] = "Coding & Billing — Café Clinics’ ICD-10 Guide"
            page = detail_page(course, title_html="Coding &amp; Billing &#8212; Caf&eacute; Clinics&#8217; ICD-10 Guide")
        elif odd_pages and index == 5:  # no price element at all
            page = detail_page(course, price="")
            record.pop("price", None)
            record.pop("included_in")
        elif odd_pages and index == 7:  # content areas that do not add up: kept, areas left out
            page = detail_page(course, areas="Clinical: 5 / General: 5")
            record.pop("content_areas")
            for approval in record["approvals"]:
                approval.pop("categories", None)
        files[f"courses/{course['slug']}/index.html"] = page
        expected.append(record)
        cards.append(card(course))
    if odd_pages:
        junk = {"slug": "lorem-ipsum-dolor", "title": "Lorem ipsum dolor sit amet", "hours": Decimal(1), "areas": {"general": Decimal(1)}, "price": None}
        files["courses/lorem-ipsum-dolor/index.html"] = detail_page(junk, ceus="Praesentium et pariatur", areas="Lorem ipsum")
        tbd = {"slug": "coming-soon-phlebotomy-update", "title": "Coming Soon: Phlebotomy Update", "hours": Decimal(1), "areas": {"clinical": Decimal(1)}, "price": None}
        files["courses/coming-soon-phlebotomy-update/index.html"] = detail_page(tbd, ceus="TBD")
        cards.insert(12, card(junk))
        cards.insert(25, card(tbd))
        # The same course listed twice, once with a tracking parameter (a distinct URL, the same course).
        cards.insert(31, card(courses[0], href=f"/courses/{courses[0]['slug']}/?utm_source=catalog"))
        files[f"courses/{courses[0]['slug']}/index.html@utm_source=catalog"] = files[f"courses/{courses[0]['slug']}/index.html"]
    pages = (len(cards) + PER_PAGE - 1) // PER_PAGE
    for n in range(1, pages + 1):
        path = "courses/index.html" if n == 1 else f"courses/page/{n}/index.html"
        files[path] = catalog_page(cards[(n - 1) * PER_PAGE : n * PER_PAGE], n, pages)
    for rel, text in files.items():
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
    offer = {"type": "offer", "provider": "ace", "offer_id": "annual-membership", "name": "ACE Annual Membership",
             "kind": "subscription", "price": MEMBERSHIP_PRICE, "period_months": 12, "url": f"{REAL_BASE}/membership/"}  # fmt: skip
    return [*expected, offer]


def _plain(value: object) -> object:
    if isinstance(value, Decimal):
        return float(value) if value != value.to_integral_value() else int(value)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else HERE
    records = build(out)
    with (out / "expected.jsonl").open("w", encoding="utf-8") as fh:
        for record in records:
            fh.write(json.dumps(_plain(record), ensure_ascii=False) + "\n")
    print(f"wrote {len(records)} expected records to {out}")


if __name__ == "__main__":
    main()
