"""Every record read from a source, kept raw and hashed, waiting to be linked."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class StagedStatus(models.TextChoices):
    NEW = "new", _("new")
    CHANGED = "changed", _("changed")
    UNCHANGED = "unchanged", _("unchanged")
    LINKED = "linked", _("linked")
    QUEUED = "queued", _("queued for review")
    REJECTED = "rejected", _("rejected")
    CREATED = "created", _("created a new organisation")


class StagedRecord(models.Model):
    """One record of one source, as last read.

    `raw` is the record as parsed; `candidate` is the organisation it describes, in the
    registry's vocabulary (name, aliases, acronyms, types, city, province, country, lat, lon,
    website, identifiers {scheme: value}). `content_hash` is the sha256 of the canonical JSON
    of `raw`: a re-read with the same hash changes nothing.
    """

    source = models.CharField(_("source"), max_length=80)
    file = models.CharField(_("file"), max_length=500)
    record_id = models.CharField(_("record id"), max_length=200)
    kind = models.CharField(_("kind"), max_length=30, db_index=True)
    content_hash = models.CharField(_("content hash"), max_length=64)
    raw = models.JSONField(_("raw record"))
    candidate = models.JSONField(_("candidate"), default=dict, blank=True)
    first_seen = models.DateTimeField(_("first seen"))
    last_seen = models.DateTimeField(_("last seen"))
    status = models.CharField(
        _("status"), max_length=12, choices=StagedStatus.choices, default=StagedStatus.NEW, db_index=True
    )
    organisation = models.ForeignKey(
        "registry.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="staged_records",
        verbose_name=_("organisation"),
    )

    class Meta:
        ordering = ["source", "record_id"]
        verbose_name = _("staged record")
        verbose_name_plural = _("staged records")
        constraints = [models.UniqueConstraint(fields=["source", "record_id"], name="unique_staged_record")]
        indexes = [models.Index(fields=["source", "status"], name="staged_source_status")]

    def __str__(self):
        return f"{self.source}:{self.record_id}"
