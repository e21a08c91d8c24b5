"""Downloader middleware: Scrapy's retries, with exponential backoff between attempts."""

from __future__ import annotations

import asyncio

from scrapy import Request
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.settings import BaseSettings

DELAY_KEY = "recert_retry_delay"


class BackoffRetryMiddleware(RetryMiddleware):
    """RetryMiddleware that waits ``RETRY_BACKOFF_BASE * 2**(attempt - 1)`` seconds (at most
    ``RETRY_BACKOFF_MAX``) before sending a retried request again. A base of 0 turns backoff off."""

    def __init__(self, settings: BaseSettings):
        super().__init__(settings)
        self.backoff_base = settings.getfloat("RETRY_BACKOFF_BASE", 1.0)
        self.backoff_max = settings.getfloat("RETRY_BACKOFF_MAX", 60.0)

    async def process_request(self, request: Request) -> None:
        delay = request.meta.pop(DELAY_KEY, 0)
        if delay > 0:
            await asyncio.sleep(delay)

    def _retry(self, request: Request, reason: str | Exception | type[Exception]) -> Request | None:
        retried = super()._retry(request, reason)
        if retried is not None and self.backoff_base > 0:
            attempt = retried.meta.get("retry_times", 1)
            retried.meta[DELAY_KEY] = min(self.backoff_max, self.backoff_base * 2 ** (attempt - 1))
        return retried
