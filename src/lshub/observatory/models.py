"""Indicators, geographies, peer sets and observations.

Indicator definitions and geographies come from reviewed data files (see `definitions/`);
observations come from the embedded dataset and the importers. Derived figures (share of
the national total, change, rank) are computed by `services.figures`, never stored.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .choices import Aggregation, Direction, Qualifier, Segment, Status


def _by_language(obj, field: str) -> str:
    italian = getattr(obj, f"{field}_it")
    return italian if get_language() == "it" and italian else getattr(obj, f"{field}_en")


class Geography(models.Model):
    """A NUTS region (level 0 = country) or another statistical area, by its official code."""

    code = models.CharField(_("code"), max_length=12, primary_key=True)
    name_en = models.CharField(_("name (English)"), max_length=150)
    name_it = models.CharField(_("name (Italian)"), max_length=150, blank=True)
    level = models.PositiveSmallIntegerField(_("NUTS level"), help_text=_("0 country, 1, 2, 3"))
    country = models.CharField(_("country"), max_length=2)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    nuts_version = models.CharField(_("NUTS version"), max_length=8, blank=True)

    class Meta:
        ordering = ["level", "code"]
        verbose_name = _("geography")
        verbose_name_plural = _("geographies")

    def __str__(self):
        return f"{self.name} ({self.code})"

    @property
    def name(self) -> str:
        return _by_language(self, "name")


class PeerSet(models.Model):
    """A named group of regions to benchmark the home region against (editable data)."""

    slug = models.SlugField(_("slug"), max_length=40, unique=True)
    label_en = models.CharField(_("label (English)"), max_length=150)
    label_it = models.CharField(_("label (Italian)"), max_length=150, blank=True)
    members = models.ManyToManyField(Geography, related_name="peer_sets")

    class Meta:
        ordering = ["slug"]
        verbose_name = _("peer set")

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return _by_language(self, "label")


class Indicator(models.Model):
    """What is measured: a reviewed definition with its unit, scope and default source."""

    id = models.SlugField(_("id"), max_length=80, primary_key=True)
    label_en = models.CharField(_("label (English)"), max_length=200)
    label_it = models.CharField(_("label (Italian)"), max_length=200)
    unit = models.CharField(_("unit"), max_length=60)
    definition_en = models.TextField(_("definition (English)"), blank=True)
    definition_it = models.TextField(_("definition (Italian)"), blank=True)
    segment = models.CharField(_("segment"), max_length=20, choices=Segment.choices)
    scope_codes = models.CharField(
        _("scope (ATECO/NACE codes)"), max_length=300, blank=True, help_text=_("semicolon-separated")
    )
    scope_edition = models.CharField(_("ATECO edition"), max_length=8, blank=True)
    direction = models.CharField(_("direction"), max_length=10, choices=Direction.choices, default=Direction.HIGHER)
    aggregation = models.CharField(_("aggregation"), max_length=10, choices=Aggregation.choices, default=Aggregation.SUM)
    rationale = models.TextField(_("rationale"), blank=True)
    default_source = models.ForeignKey(
        "registry.Source", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    eurostat_dataset = models.CharField(_("Eurostat dataset"), max_length=40, blank=True, db_index=True)
    eurostat_series = models.JSONField(
        _("Eurostat series"), default=dict, blank=True, help_text=_("dimension codes selecting the series")
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["position", "id"]
        verbose_name = _("indicator")

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return _by_language(self, "label")

    @property
    def definition(self) -> str:
        return _by_language(self, "definition")

    @property
    def scope_code_list(self) -> list[str]:
        return [code.strip() for code in self.scope_codes.split(";") if code.strip()]

    @property
    def is_additive(self) -> bool:
        return self.aggregation == Aggregation.SUM


class Observation(models.Model):
    """One value of an indicator for a geography and a year, from one source.

    `value` is empty for a gap or a confidential cell: such a row says the figure is not
    known, and is shown as such, never as zero. `flags` keeps the source's own flags
    (Eurostat letters such as "p", "e", "b") verbatim.
    """

    # A fact table loaded a million rows at a time: no single-column indexes (the unique
    # constraint starts with indicator, the geo/indicator/period index with geo) and no
    # database-level foreign-key checks, which cost more than the rest of a load together.
    # The importers check every indicator, geography and source before writing, and
    # on_delete (CASCADE, PROTECT) is enforced by Django as usual.
    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="observations", db_index=False, db_constraint=False
    )
    geo = models.ForeignKey(
        Geography, on_delete=models.PROTECT, related_name="observations", db_index=False, db_constraint=False
    )
    period = models.PositiveSmallIntegerField(_("year"), null=True, blank=True, help_text=_("empty: undated"))
    value = models.DecimalField(_("value"), max_digits=24, decimal_places=6, null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.SOURCED)
    flags = models.CharField(_("flags"), max_length=12, blank=True)
    qualifier = models.CharField(_("qualifier"), max_length=10, choices=Qualifier.choices, blank=True, default="")
    stated_share = models.DecimalField(
        _("share of national stated by the source (%)"), max_digits=7, decimal_places=3, null=True, blank=True
    )
    source = models.ForeignKey("registry.Source", on_delete=models.PROTECT, related_name="observations", db_constraint=False)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["indicator", "geo", "period"]
        verbose_name = _("observation")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "geo", "period", "source"],
                condition=Q(period__isnull=False),
                name="unique_observation_dated",
            ),
            models.UniqueConstraint(
                fields=["indicator", "geo", "source"],
                condition=Q(period__isnull=True),
                name="unique_observation_undated",
            ),
        ]
        indexes = [models.Index(fields=["geo", "indicator", "period"], name="observation_geo_indicator")]

    def __str__(self):
        return f"{self.indicator_id} {self.geo_id} {self.period}: {self.value}"
