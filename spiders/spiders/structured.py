"""`structured`: crawl any site that publishes schema.org Course data (providers without their own spider).

    scrapy crawl structured -a start_url=https://example.org/courses/ [-a provider=example]
    recert crawl structured --start-url https://example.org/courses/ [--provider example]

The provider id defaults to the start URL's host ("www.example.org" → "example-org").
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from spiders.bases.structured import StructuredDataSpider

_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_\-]{0,63}$")


def provider_from_url(url: str) -> str:
    """A provider id from a URL's host: "https://www.example.org/x" → "example-org"."""
    host = (urlsplit(url).hostname or "").removeprefix("www.")
    return re.sub(r"[^a-z0-9]+", "-", host.lower()).strip("-") or "structured"


class StructuredSpider(StructuredDataSpider):
    name = "structured"

    def __init__(self, *args: Any, start_url: str | None = None, provider: str | None = None, **kwargs: Any):
        if not start_url:
            raise ValueError("the structured spider needs -a start_url=<http(s) URL>")
        parts = urlsplit(start_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"start_url must be an http(s) URL, got {start_url!r}")
        kwargs.setdefault("base_url", f"{parts.scheme}://{parts.netloc}")
        super().__init__(*args, **kwargs)
        self.start_page = start_url
        provider_id = (provider or provider_from_url(start_url)).lower()
        if not _ID_RE.match(provider_id):
            raise ValueError(f"provider must be letters, digits, - or _, got {provider!r}")
        self._provider = provider_id

    @property
    def provider(self) -> str:
        return self._provider
