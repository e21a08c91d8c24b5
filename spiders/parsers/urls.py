"""URL hygiene with w3lib: strip session ids and tracking parameters so one course has one URL."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from w3lib.url import canonicalize_url, safe_url_string, url_query_cleaner

TRACKING_PARAMETERS: tuple[str, ...] = (
    "utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content", "gclid", "fbclid", "msclkid",
    "mc_cid", "mc_eid", "_ga", "navAction", "navCount", "atg.multisite.remap", "jsessionid", "sessionid",
    "PHPSESSID", "replytocom",
)  # fmt: skip
_PATH_SESSION_RE = re.compile(r";jsessionid=[^/?#]*", re.I)


def clean_url(url: str) -> str:
    """``url`` without ``;jsessionid=…``, tracking parameters and fragment; query order kept."""
    url = _PATH_SESSION_RE.sub("", safe_url_string(url.strip()))
    return url_query_cleaner(url, TRACKING_PARAMETERS, remove=True, keep_fragments=False)


def canonical_url(url: str) -> str:
    """:func:`clean_url` then w3lib's canonical form (sorted query): for comparing, not for display."""
    return canonicalize_url(clean_url(url))


def is_http_url(url: str | None) -> bool:
    if not url:
        return False
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def same_host(url: str, other: str) -> bool:
    return urlsplit(url).hostname == urlsplit(other).hostname
