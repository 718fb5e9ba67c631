"""The observatory's behaviour; web pages, API and CLI call these modules."""
