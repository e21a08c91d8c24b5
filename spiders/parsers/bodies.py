"""Approving bodies: "Approved by the AAMA", "accepted by AAMA, AMT, NHA and ARMA", "AAMA-approved",
"American Medical Technologists (AMT)".

"Approved by X" (X reviewed and approved the course) is kept apart from "accepted by X" (the provider
says X's credential rules accept it), because AAMA counts approved CEUs separately from other credit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from catalog.registry import BODIES, KNOWN_BODIES
from spiders.parsers import Unparseable, clean_text

APPROVED = "approved"
ACCEPTED = "accepted"
UNSTATED = "unstated"

#: Full names and short forms → the short name the course record uses.
BODY_NAMES: dict[str, str] = {body.name.lower(): short for short, body in BODIES.items()} | {
    "ama pra": "ACCME"
}

_NAME_RE = re.compile(
    "|".join(re.escape(name) for name in sorted(BODY_NAMES, key=len, reverse=True))
    + r"|\b(?:"
    + "|".join(KNOWN_BODIES)
    + r")\b",
    re.IGNORECASE,
)
_ACCEPTED_RE = re.compile(
    r"\b(?:accept(?:ed|s)?|recogni[sz]ed|eligible|count(?:s)? toward|honou?red)\b", re.I
)
_APPROVED_RE = re.compile(r"\b(?:approv(?:ed|al|als|es)?|accredit(?:ed|ation)?|certified|sanctioned)\b", re.I)
_CLAUSE_RE = re.compile(r"[;.|\n]|\b(?:but|while|also)\b", re.I)


@dataclass(frozen=True)
class BodyClaim:
    """``body`` (short name) with ``status`` "approved", "accepted" or "unstated" (a bare list)."""

    body: str
    status: str


def parse_bodies(text: str | None) -> tuple[BodyClaim, ...]:
    """Every approving body named in ``text``, in order, each once, with what the text claims.

    Raises Unparseable when no known body is named.
    """
    raw = clean_text(text)
    if not raw:
        raise Unparseable("no approving body given")
    claims: dict[str, str] = {}
    for clause in _CLAUSE_RE.split(raw):
        verbs = _verbs(clause)
        for match in _NAME_RE.finditer(clause):
            name = match.group(0)
            body = BODY_NAMES.get(name.lower(), name.upper())
            status = _status(verbs, match.start(), match.end())
            if claims.get(body) != APPROVED:
                claims[body] = status
    if not claims:
        raise Unparseable(f"no known approving body in {raw!r}")
    return tuple(BodyClaim(body, status) for body, status in claims.items())


def _verbs(clause: str) -> list[tuple[int, str]]:
    found = [(m.start(), ACCEPTED) for m in _ACCEPTED_RE.finditer(clause)]
    found += [
        (m.start(), APPROVED) for m in _APPROVED_RE.finditer(clause) if not _inside_name(clause, m.start())
    ]
    return sorted(found)


def _inside_name(clause: str, position: int) -> bool:
    """ "Accreditation" in "Accreditation Council for …" is part of a name, not a claim."""
    return any(m.start() <= position < m.end() for m in _NAME_RE.finditer(clause))


def _status(verbs: list[tuple[int, str]], start: int, end: int) -> str:
    """The claim nearest before the name ("approved by AAMA"), else the first after it ("AAMA-approved")."""
    before = [status for position, status in verbs if position < start]
    if before:
        return before[-1]
    after = [status for position, status in verbs if position >= end]
    return after[0] if after else UNSTATED
