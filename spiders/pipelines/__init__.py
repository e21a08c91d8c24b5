"""The item pipeline chain, in order (settings.ITEM_PIPELINES):

1. ProviderAttributesPipeline (100): provider-wide facts from the spider's class attributes.
2. NormalisePipeline (200): clean text, URLs, area names.
3. ValidatePipeline (300): check against the course record; count problems per field in the crawler
   stats (``recert/problems/<field>``) and report them at close; drop only items missing key fields.
4. DedupePipeline (400): one item per (type, provider, course_id | offer_id).
5. CatalogWriterPipeline (900): publish the crawl to the DuckDB catalog atomically, or mark it suspect.
"""
