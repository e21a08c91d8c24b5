"""schema.org Course / CourseInstance / Offer from JSON-LD and microdata, read by extruct.

:func:`extract_nodes` returns the schema.org objects of interest (nested ``@graph`` flattened);
:func:`course_fields` maps one Course node to raw course-record field values (still strings where the page
gave strings) for the spider to parse with the other parsers.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import extruct

COURSE_TYPES = frozenset({"Course", "CourseInstance", "EducationEvent", "Product"})


def extract_nodes(html: str | bytes, url: str) -> list[dict[str, Any]]:
    """All schema.org objects in the page's JSON-LD and microdata, flattened (``@graph`` and nesting)."""
    try:
        data = extruct.extract(
            html, base_url=url, syntaxes=["json-ld", "microdata"], uniform=True, errors="ignore"
        )
    except Exception:  # extruct raises lxml/JSON errors on malformed pages: treat as no structured data
        return []
    nodes: list[dict[str, Any]] = []
    for syntax in ("json-ld", "microdata"):
        for node in data.get(syntax) or []:
            nodes.extend(_flatten(node))
    return nodes


def _flatten(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, list):
        for child in node:
            yield from _flatten(child)
    elif isinstance(node, Mapping):
        if "@graph" in node:
            yield from _flatten(node["@graph"])
        else:
            yield dict(node)


def types_of(node: Mapping[str, Any]) -> set[str]:
    kind = node.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {str(k).rsplit("/", 1)[-1] for k in kinds if k}


def course_nodes(nodes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The Course nodes (Product nodes count when there is no Course on the page)."""
    courses = [n for n in nodes if "Course" in types_of(n)]
    return courses or [n for n in nodes if "Product" in types_of(n)]


def first(value: Any) -> Any:
    """The first of a list, the value itself otherwise; a ``{"@value": …}`` wrapper unwrapped."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, Mapping) and "@value" in value:
        value = value["@value"]
    return value


def text_of(value: Any) -> str | None:
    value = first(value)
    if isinstance(value, Mapping):
        value = value.get("name") or value.get("value")
    return None if value is None else str(value)


def offers_of(node: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    offers = node.get("offers") or []
    offers = offers if isinstance(offers, list) else [offers]
    expanded: list[Mapping[str, Any]] = []
    for offer in offers:
        if isinstance(offer, Mapping) and "offers" in offer:  # AggregateOffer
            expanded.extend(offers_of(offer))
        elif isinstance(offer, Mapping):
            expanded.append(offer)
    return expanded


def instances_of(node: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    instances = node.get("hasCourseInstance") or []
    instances = instances if isinstance(instances, list) else [instances]
    return [i for i in instances if isinstance(i, Mapping)]


def course_fields(node: Mapping[str, Any]) -> dict[str, Any]:
    """Raw values of one Course node: title, description, url, course_id, duration (ISO 8601),
    credits text, price/currency strings, course mode, provider name, offer urls."""
    instances = instances_of(node)
    offers = offers_of(node) + [o for i in instances for o in offers_of(i)]
    duration = text_of(node.get("timeRequired")) or text_of(node.get("courseWorkload"))
    for instance in instances:
        duration = (
            duration or text_of(instance.get("courseWorkload")) or text_of(instance.get("timeRequired"))
        )
    mode = text_of(node.get("courseMode")) or next(
        (text_of(i.get("courseMode")) for i in instances if i.get("courseMode")), None
    )
    credits = node.get("numberOfCredits")
    credential = node.get("educationalCredentialAwarded")
    return {
        "title": text_of(node.get("name")),
        "description": text_of(node.get("description")),
        "url": text_of(node.get("url")),
        "course_id": text_of(node.get("courseCode"))
        or text_of(node.get("identifier"))
        or text_of(node.get("sku")),
        "duration": duration,
        "credits": _credits_text(credits),
        "credential": text_of(credential),
        "offers": [
            {
                "price": text_of(o.get("price")),
                "currency": text_of(o.get("priceCurrency")),
                "category": text_of(o.get("category")),
                "name": text_of(o.get("name")),
            }
            for o in offers
        ],
        "mode": mode,
        "provider": text_of(node.get("provider")),
        "area": text_of(node.get("about")) or text_of(node.get("educationalLevel")),
    }


def _credits_text(value: Any) -> str | None:
    value = first(value)
    if isinstance(value, Mapping):  # StructuredValue {"value": 2, "unitText": "AAMA CEU"}
        amount = value.get("value")
        unit = value.get("unitText") or value.get("unitCode") or ""
        return f"{amount} {unit}".strip() if amount is not None else None
    return None if value is None else str(value)
