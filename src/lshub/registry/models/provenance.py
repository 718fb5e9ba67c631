"""Where each fact came from: a publisher, a URL or file, the day it was read."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Source(models.Model):
    """A document or dataset that states facts about organisations."""

    url = models.URLField(_("URL or file"), max_length=1000, unique=True)
    publisher = models.CharField(_("publisher"), max_length=200, blank=True)
    title = models.CharField(_("title"), max_length=300, blank=True)
    retrieved = models.DateField(_("retrieved"), null=True, blank=True)

    class Meta:
        ordering = ["publisher", "url"]
        verbose_name = _("source")

    def __str__(self):
        return self.title or self.publisher or self.url


class OrganisationSource(models.Model):
    """Links an organisation to a source, optionally for one field and one record id."""

    organisation = models.ForeignKey(
        "registry.Organisation", on_delete=models.CASCADE, related_name="source_links"
    )
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="organisation_links")
    field = models.CharField(_("field"), max_length=60, blank=True, help_text=_("empty: the whole record"))
    record_id = models.CharField(_("record id"), max_length=200, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "source", "field"], name="unique_org_source_field")
        ]

    def __str__(self):
        return f"{self.organisation} ← {self.source}"
