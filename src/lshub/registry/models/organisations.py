"""Organisations of the ecosystem, with their names, sites and identifiers."""

from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..choices import IDENTIFIER_URLS, AliasKind, IdentifierScheme, OrganisationType, Ownership


class Organisation(models.Model):
    """One real organisation: the golden record the rest of lshub points at."""

    slug = models.SlugField(_("key"), max_length=120, unique=True)
    name = models.CharField(_("official name"), max_length=300)
    short_name = models.CharField(_("short name"), max_length=120, blank=True)
    name_en = models.CharField(_("name in English"), max_length=300, blank=True)
    name_it = models.CharField(_("name in Italian"), max_length=300, blank=True)
    type = models.CharField(_("type"), max_length=30, choices=OrganisationType.choices, db_index=True)
    subtype = models.CharField(_("subtype"), max_length=60, blank=True, db_index=True)
    ownership = models.CharField(_("ownership"), max_length=10, choices=Ownership.choices, blank=True, db_index=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    description_it = models.TextField(_("description (Italian)"), blank=True)
    website = models.URLField(_("website"), max_length=300, blank=True)
    founded = models.PositiveSmallIntegerField(_("founding year"), null=True, blank=True)
    employees = models.PositiveIntegerField(_("employees"), null=True, blank=True)
    employees_year = models.PositiveSmallIntegerField(_("employees as of"), null=True, blank=True)
    note = models.TextField(_("curator's note"), blank=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        # The directory's unsearched pages are sorted by name: an index makes page 1 instant.
        indexes = [models.Index(fields=["name"], name="registry_organisation_name")]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("web:organisation", args=[self.slug])

    @property
    def display_name(self):
        """The name in the reader's language where known, else the official one."""
        localised = self.name_it if get_language() == "it" else self.name_en
        return localised or self.name

    @property
    def description(self):
        if get_language() == "it":
            return self.description_it or self.description_en
        return self.description_en or self.description_it


class Alias(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(_("name"), max_length=300)
    kind = models.CharField(_("kind"), max_length=20, choices=AliasKind.choices, default=AliasKind.VARIANT)
    language = models.CharField(_("language"), max_length=5, blank=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["organisation", "name"], name="unique_alias")]
        verbose_name_plural = _("aliases")

    def __str__(self):
        return self.name


class Site(models.Model):
    """A place where the organisation is: headquarters, plant, campus, hospital."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="sites")
    label = models.CharField(_("label"), max_length=200, blank=True)
    is_headquarters = models.BooleanField(_("headquarters"), default=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    comune = models.CharField(_("municipality"), max_length=120)
    istat_code = models.CharField(_("ISTAT municipality code"), max_length=6, blank=True, db_index=True)
    province = models.CharField(_("province"), max_length=2, blank=True, db_index=True)
    nuts3 = models.CharField("NUTS3", max_length=5, blank=True)
    nuts2 = models.CharField("NUTS2", max_length=4, blank=True, db_index=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    coordinates_precision = models.CharField(
        _("coordinates precision"), max_length=20, blank=True, help_text=_("'municipality' = centre of the comune")
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-is_headquarters", "comune"]
        # Covers the province facet (organisations per province) and the province filter.
        indexes = [models.Index(fields=["province", "organisation"], name="registry_site_province_org")]

    def __str__(self):
        return f"{self.comune} ({self.province})" if self.province else self.comune


class Identifier(models.Model):
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="identifiers")
    scheme = models.CharField(_("scheme"), max_length=20, choices=IdentifierScheme.choices)
    value = models.CharField(_("value"), max_length=200)
    history = HistoricalRecords()

    class Meta:
        ordering = ["scheme"]
        constraints = [models.UniqueConstraint(fields=["scheme", "value"], name="unique_identifier")]

    def __str__(self):
        return f"{self.get_scheme_display()}: {self.value}"

    @property
    def url(self):
        template = IDENTIFIER_URLS.get(self.scheme)
        return template.format(self.value) if template else ""
