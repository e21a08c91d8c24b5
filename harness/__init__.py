"""What the tests and the benchmarks share, so neither imports the other (an import-linter contract):
synthetic catalogs, the app server and browser settings, the structured-markup corpus."""
