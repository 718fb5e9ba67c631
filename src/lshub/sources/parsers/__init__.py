"""One pure, streaming parser per source: a file in, `Parsed` and `Rejected` items out, no database."""
