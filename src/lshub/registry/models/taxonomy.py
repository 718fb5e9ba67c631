"""The controlled taxonomy of specialisations: therapeutic areas, technologies, value chain."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..choices import SpecialisationKind


class Specialisation(models.Model):
    code = models.SlugField(_("code"), max_length=60, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=SpecialisationKind.choices)
    label_en = models.CharField(_("label (English)"), max_length=150)
    label_it = models.CharField(_("label (Italian)"), max_length=150)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    is_irccs_area = models.BooleanField(
        _("IRCCS area"), default=False, help_text=_("one of the areas used to count IRCCS by area")
    )
    nace_codes = models.CharField(
        _("ATECO/NACE codes"), max_length=200, blank=True, help_text=_("semicolon-separated, value-chain segments only")
    )

    class Meta:
        ordering = ["kind", "label_en"]
        verbose_name = _("specialisation")

    def __str__(self):
        return self.label

    @property
    def label(self):
        return self.label_it if get_language() == "it" else self.label_en

    @property
    def nace_code_list(self):
        return [c.strip() for c in self.nace_codes.split(";") if c.strip()]


class OrganisationSpecialisation(models.Model):
    """An organisation's specialisation, with the wording its source used (e.g. a decree)."""

    organisation = models.ForeignKey(
        "registry.Organisation", on_delete=models.CASCADE, related_name="specialisation_links"
    )
    specialisation = models.ForeignKey(Specialisation, on_delete=models.PROTECT, related_name="organisation_links")
    wording = models.CharField(_("wording in the source"), max_length=300, blank=True)
    recognised = models.BooleanField(
        _("formally recognised"), default=False, help_text=_("e.g. the area of an IRCCS recognition decree")
    )
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["organisation", "specialisation"], name="unique_org_specialisation")
        ]
