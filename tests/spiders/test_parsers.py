"""Table tests of the pure parsers: real-world strings → values, or a recorded reason (never a guess)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal as D

import pytest

from spiders.parsers import Unparseable, clean_text
from spiders.parsers.areas import area_of, parse_areas
from spiders.parsers.bodies import ACCEPTED, APPROVED, UNSTATED, parse_bodies
from spiders.parsers.credits import duration_hours, parse_credits
from spiders.parsers.dates import parse_date
from spiders.parsers.prices import parse_price
from spiders.parsers.urls import canonical_url, clean_url

NO = Unparseable  # expected: the string is refused with a reason


def outcome(parse: Callable[[], object]) -> object:
    """What a parser made of a string, or NO when it refused it (with a reason, never a guess)."""
    try:
        return parse()
    except Unparseable as exc:
        assert str(exc), "a refusal must say why"
        return NO


# text → (amount, member_amount, currency, included)
PRICES = [
    ("$29.95", (D("29.95"), None, "USD", False)),
    ("29.95 USD", (D("29.95"), None, "USD", False)),
    ("USD 29.95", (D("29.95"), None, "USD", False)),
    ("Free", (D("0"), None, "USD", False)),
    ("FREE!", (D("0"), None, "USD", False)),
    ("$0.00", (D("0.00"), None, "USD", False)),
    ("Included with membership", (None, None, "USD", True)),
    ("Included in your ACE membership", (None, None, "USD", True)),
    ("Member: $10.00 / Non-member: $20.00", (D("20.00"), D("10.00"), "USD", False)),
    ("$1,299.00", (D("1299.00"), None, "USD", False)),
    ("$895 for AMT members and $1,095 for non-members", (D("1095"), D("895"), "USD", False)),
    ("19.95", (D("19.95"), None, "USD", False)),
    ("360", (D("360"), None, "USD", False)),
    ("360.0", (D("360.0"), None, "USD", False)),
    ("Price: $49", (D("49"), None, "USD", False)),
    ("$29.95/yr", (D("29.95"), None, "USD", False)),
    ("$29.95 per year", (D("29.95"), None, "USD", False)),
    ("Members: Free / Non-members: $15", (D("15"), D("0"), "USD", False)),
    ("Non-member $20 | Member $10", (D("20"), D("10"), "USD", False)),
    ("Was $40.00 Now $25.00", (D("25.00"), None, "USD", False)),
    ("Regular price $39.00 Sale price $19.00", (D("19.00"), None, "USD", False)),
    ("€25,00", (D("25.00"), None, "EUR", False)),
    ("£12", (D("12"), None, "GBP", False)),
    ("CA$45.00", (D("45.00"), None, "CAD", False)),
    ("1.299,00 €", (D("1299.00"), None, "EUR", False)),
    ("$12.50 (members $10.00)", (D("12.50"), D("10.00"), "USD", False)),
    ("Free for members", (None, D("0"), "USD", True)),
    ("Included with certification, without additional fees", (None, None, "USD", True)),
    ("$19.95&nbsp;", (D("19.95"), None, "USD", False)),
    ("<span>$</span><span>29.95</span>", (D("29.95"), None, "USD", False)),
    ("Save 20%! Now $16", (D("16"), None, "USD", False)),
    ("Price: $9.95 · or included with ACE membership", (D("9.95"), None, "USD", False)),
    ("Call for pricing", NO),
    ("", NO),
    ("TBD", NO),
    ("$25 – $40", NO),
    ("$10 USD / €9 EUR", NO),
    ("Price varies", NO),
]


@pytest.mark.parametrize(("text", "expected"), PRICES, ids=[t or "<empty>" for t, _ in PRICES])
def test_parse_price(text: str, expected: object) -> None:
    def read() -> tuple:
        price = parse_price(text)
        return (price.amount, price.member_amount, price.currency, price.included)

    assert outcome(read) == expected


def test_price_table_is_large_enough() -> None:
    assert len(PRICES) >= 30


# text (+ options) → (amount, unit, hours, body, area, up_to)
AAMA = {"ceu": "aama_ceu"}
CREDITS = [
    ("1.5 Contact Hours", {}, (D("1.5"), "contact_hour", D("1.5"), None, None, False)),
    ("2 AAMA CEUs (Clinical)", {}, (D("2"), "aama_ceu", D("2"), "AAMA", "clinical", False)),
    ("0.1 CEU", {}, (D("0.1"), "iacet_ceu", D("1"), None, None, False)),
    ("90 minutes", {}, (D("1.5"), "contact_hour", D("1.5"), None, None, False)),
    ("1 credit (2 hours)", {}, (D("1"), "credit", D("2"), None, None, False)),
    ("CE Credits: 1.0", {}, (D("1.0"), "credit", None, None, None, False)),
    ("CE Credits: 1.0", {"unit_hours": {"credit": D(1)}}, (D("1.0"), "credit", D("1.0"), None, None, False)),
    ("up to 32 hours", {}, (D("32"), "contact_hour", D("32"), None, None, True)),
    ("1 hr 30 min", {}, (D("1.5"), "contact_hour", D("1.5"), None, None, False)),
    ("1.5 hrs", {}, (D("1.5"), "contact_hour", D("1.5"), None, None, False)),
    ("1 hour", {}, (D("1"), "contact_hour", D("1"), None, None, False)),
    ("2.0 CE hours", {}, (D("2.0"), "contact_hour", D("2.0"), None, None, False)),
    ("3 CCP points", {}, (D("3"), "ccp_point", None, None, None, False)),
    ("2 NHA CE credits", {}, (D("2"), "nha_credit", D("4"), "NHA", None, False)),
    ("0.5 IACET CEUs", {}, (D("0.5"), "iacet_ceu", D("5"), "IACET", None, False)),
    ("1.2 CEUs", AAMA, (D("1.2"), "aama_ceu", D("1.2"), None, None, False)),
    ("1.5 CEUs", {}, (D("1.5"), "iacet_ceu", D("15"), None, None, False)),
    ("One contact hour", {}, (D("1"), "contact_hour", D("1"), None, None, False)),
    ("PT1H30M", {}, (D("1.5"), "contact_hour", D("1.5"), None, None, False)),
    ("50 minutes", {}, (D("0.8333"), "contact_hour", D("0.8333"), None, None, False)),
    ("CEUs: 1.5", AAMA, (D("1.5"), "aama_ceu", D("1.5"), None, None, False)),
    ("Contact hours: 2", {}, (D("2"), "contact_hour", D("2"), None, None, False)),
    ("4 clock hours", {}, (D("4"), "contact_hour", D("4"), None, None, False)),
    ("1.0 AAMA CEU", {}, (D("1.0"), "aama_ceu", D("1.0"), "AAMA", None, False)),
    (
        "awards up to 32 hours of Type 2 CEUs, including 5 hours of Ethics",
        {},
        (D("32"), "contact_hour", D("32"), None, None, True),
    ),
    ("Earn 3 CE credits", {}, (D("3"), "credit", None, None, None, False)),
    ("2 credit hours", {}, (D("2"), "contact_hour", D("2"), None, None, False)),
    ("10 recertification points", {}, (D("10"), "point", None, None, None, False)),
    ("2 hours 15 minutes", {}, (D("2.25"), "contact_hour", D("2.25"), None, None, False)),
    ("45 min.", {}, (D("0.75"), "contact_hour", D("0.75"), None, None, False)),
    (".5 contact hours", {}, (D("0.5"), "contact_hour", D("0.5"), None, None, False)),
    ("15 CE Credits (15 hours)", {}, (D("15"), "credit", D("15"), None, None, False)),
    ("1.5 AAMA CEUs (General)", {}, (D("1.5"), "aama_ceu", D("1.5"), "AAMA", "general", False)),
    ("CEUs: TBD", {}, NO),
    ("", {}, NO),
    ("Praesentium et pariatur", {}, NO),
    ("0 contact hours", {}, NO),
    ("P1M", {}, NO),
]


@pytest.mark.parametrize(("text", "options", "expected"), CREDITS, ids=[f"{t}|{o}" for t, o, _ in CREDITS])
def test_parse_credits(text: str, options: dict, expected: object) -> None:
    def read() -> tuple:
        c = parse_credits(text, **options)
        return (c.amount, c.unit, c.hours, c.body, c.area, c.up_to)

    assert outcome(read) == expected


def test_credits_table_is_large_enough() -> None:
    assert len(CREDITS) >= 30


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        ("PT1H", D(1)),
        ("PT90M", D("1.5")),
        ("PT1H30M", D("1.5")),
        ("PT1.5H", D("1.5")),
        ("PT45M", D("0.75")),
        ("P0DT2H", D(2)),
        ("pt40h", D(40)),
    ],
)
def test_duration_hours(text: str, hours: D) -> None:
    assert duration_hours(text) == hours


# A calendar span (days, weeks, months) is how long a course runs, not study time: P10W is not 1,680 h.
@pytest.mark.parametrize("text", ["1 hour", "P1Y", "PT0S", "", "P1D", "P2D", "P10W", "P12W", "P3M", "P1DT2H"])
def test_duration_hours_refuses(text: str) -> None:
    with pytest.raises(Unparseable):
        duration_hours(text)


# text, total → areas
AREAS = [
    ("Clinical", D("1.5"), {"clinical": D("1.5")}),
    ("Administrative", D(1), {"administrative": D(1)}),
    ("General", D(2), {"general": D(2)}),
    ("Admin", D(1), {"administrative": D(1)}),
    ("Clinical: 1.0 / General: 0.5", D("1.5"), {"clinical": D("1.0"), "general": D("0.5")}),
    ("1 Administrative + 0.5 General", D("1.5"), {"administrative": D(1), "general": D("0.5")}),
    ("Category: General", D(1), {"general": D(1)}),
    ("Content area: Clinical (1.5)", D("1.5"), {"clinical": D("1.5")}),
    ("Clinical – 1 CEU", D(1), {"clinical": D(1)}),
    ("clinical", D(1), {"clinical": D(1)}),
    ("CLINICAL", D(1), {"clinical": D(1)}),
    ("Gen.", D(1), {"general": D(1)}),
    ("Administrative 1.0, Clinical 1.0", D(2), {"administrative": D("1.0"), "clinical": D("1.0")}),
    ("1.0 AAMA CEU Clinical, 0.5 AAMA CEU General", D("1.5"), {"clinical": D("1.0"), "general": D("0.5")}),
    (
        "Clinical: 1 / Administrative: 1 / General: 1",
        D(3),
        {"clinical": D(1), "administrative": D(1), "general": D(1)},
    ),
    ("General Education", D(1), {"general": D(1)}),
    ("Clinical (Lab)", D(1), {"clinical": D(1)}),
    ("Administrative: 0.5; General: 0.5", D(1), {"administrative": D("0.5"), "general": D("0.5")}),
    ("1.5 clinical hours", D("1.5"), {"clinical": D("1.5")}),
    ("Clinical 1.5", None, {"clinical": D("1.5")}),
    ("Clerical", D(1), {"administrative": D(1)}),
    ("Business / Administrative", D(1), {"administrative": D(1)}),
    ("Clinical: 1.0 / General: 0.0", D("1.0"), {"clinical": D("1.0")}),
    ("Adm.", D(1), {"administrative": D(1)}),
    ("General: .5, Clinical: 1", D("1.5"), {"general": D("0.5"), "clinical": D(1)}),
    ("Administrative/General", D(1), NO),
    ("Lorem ipsum", D(1), NO),
    ("", D(1), NO),
    ("Clinical", None, NO),
    ("Clinical: 5 / General: 5", D("1.5"), NO),
    ("Clinical: 1.0 / Clinical: 0.5", None, NO),
    ("Oxygen therapy", D(1), NO),
]


@pytest.mark.parametrize(("text", "total", "expected"), AREAS, ids=[t or "<empty>" for t, _, _ in AREAS])
def test_parse_areas(text: str, total: D | None, expected: object) -> None:
    assert outcome(lambda: parse_areas(text, total=total)) == expected


def test_areas_table_is_large_enough() -> None:
    assert len(AREAS) >= 30


@pytest.mark.parametrize(
    ("word", "area"),
    [("Admin.", "administrative"), ("clinic", "clinical"), ("administered", None), (None, None)],
)
def test_area_of(word: str | None, area: str | None) -> None:
    assert area_of(word) == area


BODIES = [
    ("Approved by the AAMA", [("AAMA", APPROVED)]),
    (
        "accepted by AAMA, AMT, NHA and ARMA",
        [("AAMA", ACCEPTED), ("AMT", ACCEPTED), ("NHA", ACCEPTED), ("ARMA", ACCEPTED)],
    ),
    ("AAMA-approved", [("AAMA", APPROVED)]),
    ("Approved for 2 AAMA CEUs", [("AAMA", APPROVED)]),
    ("American Medical Technologists (AMT)", [("AMT", UNSTATED)]),
    ("Approved by the American Association of Medical Assistants", [("AAMA", APPROVED)]),
    ("National Healthcareer Association", [("NHA", UNSTATED)]),
    ("Approvals: AAMA, AMT", [("AAMA", APPROVED), ("AMT", APPROVED)]),
    ("Approved by AAMA; accepted by AMT and NHA", [("AAMA", APPROVED), ("AMT", ACCEPTED), ("NHA", ACCEPTED)]),
    ("IACET accredited provider", [("IACET", APPROVED)]),
    ("ANCC accredited", [("ANCC", APPROVED)]),
    ("AMA PRA Category 1 Credits™", [("ACCME", UNSTATED)]),
    ("Recognized by NCCT", [("NCCT", ACCEPTED)]),
    ("Eligible for AMCA credit", [("AMCA", ACCEPTED)]),
    ("Accepted by the AAMA", [("AAMA", ACCEPTED)]),
    (
        "This program has been approved by the American Association of Medical Assistants (AAMA)",
        [("AAMA", APPROVED)],
    ),
    ("aama", [("AAMA", UNSTATED)]),
    (
        "Approved by AAMA, AMT, NHA and ARMA",
        [("AAMA", APPROVED), ("AMT", APPROVED), ("NHA", APPROVED), ("ARMA", APPROVED)],
    ),
    ("AMT accepts this course for CCP points", [("AMT", ACCEPTED)]),
    ("Approved by AAMA. Also accepted by NHA.", [("AAMA", APPROVED), ("NHA", ACCEPTED)]),
    ("NHA: accepted", [("NHA", ACCEPTED)]),
    ("American Registry of Medical Assistants", [("ARMA", UNSTATED)]),
    ("Accreditation Council for Continuing Medical Education", [("ACCME", UNSTATED)]),
    ("ACCME-accredited", [("ACCME", APPROVED)]),
    ("Approved by AAMA and accepted by AMT", [("AAMA", APPROVED), ("AMT", ACCEPTED)]),
    ("Credits accepted by AAMA, AMT", [("AAMA", ACCEPTED), ("AMT", ACCEPTED)]),
    ("AAMA approval #12345", [("AAMA", APPROVED)]),
    ("NHA and AMT accepted; AAMA approved", [("NHA", ACCEPTED), ("AMT", ACCEPTED), ("AAMA", APPROVED)]),
    ("Accepted by AAMA. Approved by AAMA.", [("AAMA", APPROVED)]),
    ("Approved by the Board", NO),
    ("", NO),
    ("Lorem ipsum dolor", NO),
    ("Track it in AMTrax", NO),
]


@pytest.mark.parametrize(("text", "expected"), BODIES, ids=[t or "<empty>" for t, _ in BODIES])
def test_parse_bodies(text: str, expected: object) -> None:
    assert outcome(lambda: [(c.body, c.status) for c in parse_bodies(text)]) == expected


def test_bodies_table_is_large_enough() -> None:
    assert len(BODIES) >= 30


DATES = [
    ("2026-03-01", date(2026, 3, 1)),
    ("March 1, 2026", date(2026, 3, 1)),
    ("Mar 1, 2026", date(2026, 3, 1)),
    ("1 March 2026", date(2026, 3, 1)),
    ("03/01/2026", date(2026, 3, 1)),
    ("3/1/26", date(2026, 3, 1)),
    ("2026-03-01T10:00:00Z", date(2026, 3, 1)),
    ("Expires: 12/31/2027", date(2027, 12, 31)),
    ("Valid through December 31, 2027", date(2027, 12, 31)),
    ("Sept. 5, 2026", date(2026, 9, 5)),
    ("Sep 5 2026", date(2026, 9, 5)),
    ("5th June 2025", date(2025, 6, 5)),
    ("June 5th, 2025", date(2025, 6, 5)),
    ("Updated on 2025-06-24", date(2025, 6, 24)),
    ("Tuesday, April 7, 2026", date(2026, 4, 7)),
    ("Apr. 7, 2026 – Apr. 9, 2026", date(2026, 4, 7)),
    ("2026-04-07 09:00", date(2026, 4, 7)),
    ("12/31/27", date(2027, 12, 31)),
    ("on 1 Jan 2027", date(2027, 1, 1)),
    ("Jan. 1st, 2027", date(2027, 1, 1)),
    ("2026-11-26T18:19:22+00:00", date(2026, 11, 26)),
    ("February 29, 2028", date(2028, 2, 29)),
    ("31 Dec 2026", date(2026, 12, 31)),
    ("December 31 2026", date(2026, 12, 31)),
    ("Date: 7/4/2026", date(2026, 7, 4)),
    ("the 3rd of May, 2026", date(2026, 5, 3)),
    ("2026-02-30", NO),
    ("13/01/2026", NO),
    ("March 2026", NO),
    ("", NO),
    ("TBD", NO),
    ("February 29, 2027", NO),
]


@pytest.mark.parametrize(("text", "expected"), DATES, ids=[t or "<empty>" for t, _ in DATES])
def test_parse_date(text: str, expected: object) -> None:
    assert outcome(lambda: parse_date(text)) == expected


def test_dates_table_is_large_enough() -> None:
    assert len(DATES) >= 30


@pytest.mark.parametrize(
    ("url", "clean"),
    [
        (
            "https://reliasacademy.com/rls/store/browse/productDetailSingleSku.jsp;jsessionid=AB12.prod_store01-1"
            "?navAction=jump&navCount=0&atg.multisite.remap=false&productId=c412977",
            "https://reliasacademy.com/rls/store/browse/productDetailSingleSku.jsp?productId=c412977",
        ),
        ("https://x.org/c/?utm_source=mail&utm_medium=x&gclid=1#top", "https://x.org/c/"),
        ("https://x.org/c/?b=2&a=1", "https://x.org/c/?b=2&a=1"),
        (" https://x.org/caf\u00e9/ ", "https://x.org/caf%C3%A9/"),
    ],
)
def test_clean_url(url: str, clean: str) -> None:
    assert clean_url(url) == clean


def test_canonical_url_sorts_the_query() -> None:
    assert canonical_url("https://x.org/c?b=2&a=1&utm_source=z") == "https://x.org/c?a=1&b=2"


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("Coding &amp; Billing &#8212; Caf&eacute;", "Coding & Billing — Café"),
        ("<b>A</b>\n\t B\xa0C", "A B C"),
    ],
)
def test_clean_text(html: str, text: str) -> None:
    assert clean_text(html) == text
