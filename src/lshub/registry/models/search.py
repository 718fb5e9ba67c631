"""The row each organisation has in the full-text index (see services/search.py)."""

from django.db import models


class SearchEntry(models.Model):
    """Normalised text of an organisation; the engine-specific index is built over it.

    `names` holds names, aliases and acronyms (weighted higher); `body` the rest:
    descriptions, specialisations in both languages, places, type labels.
    """

    organisation = models.OneToOneField(
        "registry.Organisation", on_delete=models.CASCADE, primary_key=True, related_name="search_entry"
    )
    names = models.TextField()
    body = models.TextField()
