"""The review queue and the record of merges."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ReviewStatus(models.TextChoices):
    OPEN = "open", _("open")
    ACCEPTED = "accepted", _("accepted")
    REJECTED = "rejected", _("rejected")
    MERGED = "merged", _("merged into another organisation")
    CREATED = "created", _("created a new organisation")


class ReviewKind(models.TextChoices):
    MATCH = "match", _("possible match")
    CONFLICT = "conflict", _("conflicting value")


class ReviewItem(models.Model):
    """A decision the resolver leaves to a person.

    A *match* item is a candidate from a source that may be the proposed organisation
    (the probability is in the grey zone, or two organisations are close). A *conflict*
    item is a value a source or a merge offers for a field that a person already filled:
    the curated value stays until someone accepts the offered one.
    """

    kind = models.CharField(_("kind"), max_length=10, choices=ReviewKind.choices, default=ReviewKind.MATCH)
    candidate = models.JSONField(_("candidate"), default=dict)
    source = models.CharField(_("source"), max_length=80, blank=True)
    record_id = models.CharField(_("record id"), max_length=200, blank=True)
    staged = models.ForeignKey(
        "sources.StagedRecord",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="review_items",
        verbose_name=_("staged record"),
    )
    proposed = models.ForeignKey(
        "registry.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="review_items",
        verbose_name=_("proposed organisation"),
    )
    probability = models.FloatField(_("probability"), null=True, blank=True)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.OPEN, db_index=True
    )
    resolved = models.ForeignKey(
        "registry.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resolved_review_items",
        verbose_name=_("resolved to"),
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, verbose_name=_("decided by")
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("review item")
        verbose_name_plural = _("review queue")
        indexes = [models.Index(fields=["status", "kind"], name="linkage_review_status_kind")]

    def __str__(self):
        if self.kind == ReviewKind.CONFLICT:
            return _("%(field)s of %(org)s") % {"field": self.candidate.get("field", "?"), "org": self.proposed or "?"}
        return _("%(name)s → %(org)s") % {"name": self.candidate.get("name", "?"), "org": self.proposed or "—"}

    @property
    def is_open(self) -> bool:
        return self.status == ReviewStatus.OPEN


class Merge(models.Model):
    """One organisation merged into another, with everything needed to undo it.

    `journal` lists what the merge did: the merged organisation as it was, the rows moved
    to the kept one, the rows deleted as duplicates (serialised), the aliases created and
    the blank fields filled on the kept one.
    """

    kept = models.ForeignKey(
        "registry.Organisation", on_delete=models.SET_NULL, null=True, related_name="merges", verbose_name=_("kept")
    )
    merged_id = models.BigIntegerField(_("merged organisation id"))
    merged_slug = models.CharField(_("merged organisation key"), max_length=120)
    merged_name = models.CharField(_("merged organisation name"), max_length=300)
    journal = models.JSONField(_("journal"), default=dict)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True)
    created = models.DateTimeField(_("merged at"), auto_now_add=True)
    undone_at = models.DateTimeField(_("undone at"), null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        verbose_name = _("merge")
        verbose_name_plural = _("merges")

    def __str__(self):
        return _("%(merged)s merged into %(kept)s") % {"merged": self.merged_slug, "kept": self.kept or "?"}
