"""Base spiders: ProviderSpider (declarative provider facts + item helpers) and StructuredDataSpider."""
