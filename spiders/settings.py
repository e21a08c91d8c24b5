"""Scrapy settings for Recert's spiders: polite by default.

Profiles: the default is the production profile (robots.txt obeyed, AutoThrottle, one request at a time per
host, retries with exponential backoff). ``RECERT_PROFILE=dev`` adds an on-disk HTTP cache so repeated
development crawls do not hit provider sites again. Tests and benchmarks override settings explicitly.
"""

from __future__ import annotations

import os

BOT_NAME = "recert"
SPIDER_MODULES = ["spiders.spiders"]
NEWSPIDER_MODULE = "spiders.spiders"

USER_AGENT = "Recert/0.1 (+https://github.com/recert/recert)"
ROBOTSTXT_OBEY = True

# Scrapy ≥ 2.19 starts a code-executing control server and a telnet console by default: never here.
REMOTE_CONTROL_ENABLED = False
TELNETCONSOLE_ENABLED = False

# Politeness: small CE stores, one connection each, adaptive delay.
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 1
DOWNLOAD_DELAY = 2.0
DOWNLOAD_DELAY_JITTER = 0.5  # ±50 %
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 2.0
AUTOTHROTTLE_MAX_DELAY = 60.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 16 * 1024 * 1024

# Retries: transient server errors and timeouts, with exponential backoff (seconds) between attempts.
RETRY_ENABLED = True
RETRY_TIMES = 3
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
RETRY_BACKOFF_BASE = 1.0
RETRY_BACKOFF_MAX = 60.0
DOWNLOADER_MIDDLEWARES = {
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "spiders.middlewares.BackoffRetryMiddleware": 550,
}

# The pipeline chain, in order (see docs/spiders.md).
ITEM_PIPELINES = {
    "spiders.pipelines.provider_attributes.ProviderAttributesPipeline": 100,
    "spiders.pipelines.normalise.NormalisePipeline": 200,
    "spiders.pipelines.validate.ValidatePipeline": 300,
    "spiders.pipelines.dedupe.DedupePipeline": 400,
    "spiders.pipelines.catalog_writer.CatalogWriterPipeline": 900,
}

# Recert's own settings (overridden by spiders.run.crawl and `recert crawl`).
RECERT_CATALOG = None  # path of the DuckDB catalog to publish into; None = collect only
RECERT_DRY_RUN = False  # crawl and validate, but publish nothing
RECERT_SOURCE = "live"  # course-record `source` of every item: "live", or "sample" for the bundled sample
RECERT_PUBLIC_URLS = False  # store URLs on the spider's public site instead of the crawled base (mirrors)
RECERT_SUSPECT_RATIO = 0.5  # fewer items than this share of the last good run → suspect, nothing published

HTTPCACHE_ENABLED = False
if os.environ.get("RECERT_PROFILE") == "dev":
    HTTPCACHE_ENABLED = True
    HTTPCACHE_DIR = "httpcache"
    HTTPCACHE_EXPIRATION_SECS = 24 * 3600
    HTTPCACHE_IGNORE_HTTP_CODES = [500, 502, 503, 504, 408, 429]

FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
DEFAULT_DROPITEM_LOG_LEVEL = "INFO"  # the validate pipeline reports drops per field at close
