"""Typed relations between organisations."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..choices import RelationKind


class Relation(models.Model):
    """`subject` is `kind` `object`: e.g. IFOM member_of Lombardy Life Sciences Cluster."""

    subject = models.ForeignKey("registry.Organisation", on_delete=models.CASCADE, related_name="relations_out")
    kind = models.CharField(_("kind"), max_length=20, choices=RelationKind.choices)
    object = models.ForeignKey("registry.Organisation", on_delete=models.CASCADE, related_name="relations_in")
    source = models.ForeignKey("registry.Source", null=True, blank=True, on_delete=models.PROTECT)
    note = models.CharField(_("note"), max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["subject", "kind", "object"], name="unique_relation"),
            models.CheckConstraint(condition=~models.Q(subject=models.F("object")), name="relation_not_reflexive"),
        ]

    def __str__(self):
        return f"{self.subject} {self.get_kind_display()} {self.object}"
