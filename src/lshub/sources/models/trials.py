"""Clinical trials read from ClinicalTrials.gov, with their sites and sponsors."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Trial(models.Model):
    nct_id = models.CharField(_("NCT number"), max_length=20, unique=True)
    title = models.TextField(_("title"))
    official_title = models.TextField(_("official title"), blank=True)
    phases = models.JSONField(_("phases"), default=list, blank=True, help_text=_("e.g. ['PHASE2', 'PHASE3']"))
    overall_status = models.CharField(_("overall status"), max_length=40, blank=True, db_index=True)
    study_type = models.CharField(_("study type"), max_length=30, blank=True, db_index=True)
    conditions = models.JSONField(_("conditions"), default=list, blank=True)
    start_date = models.DateField(_("start date"), null=True, blank=True)
    sponsor_name = models.CharField(_("lead sponsor"), max_length=300, blank=True)
    raw = models.JSONField(_("raw record"))
    source_file = models.CharField(_("source file"), max_length=500)
    staged_record = models.OneToOneField(
        "sources.StagedRecord", on_delete=models.SET_NULL, null=True, blank=True, related_name="trial"
    )

    class Meta:
        ordering = ["nct_id"]
        verbose_name = _("clinical trial")
        verbose_name_plural = _("clinical trials")

    def __str__(self):
        return f"{self.nct_id}: {self.title}"

    @property
    def url(self):
        return f"https://clinicaltrials.gov/study/{self.nct_id}"


class TrialSite(models.Model):
    """A place where a trial recruits: a facility in a city, to be resolved to an organisation."""

    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="sites")
    position = models.PositiveIntegerField(_("position"))
    name = models.CharField(_("facility"), max_length=500, blank=True)
    city = models.CharField(_("city"), max_length=200, blank=True)
    country = models.CharField(_("country"), max_length=100, blank=True)
    country_code = models.CharField(_("country code"), max_length=2, blank=True, db_index=True)
    nuts2 = models.CharField(
        "NUTS2", max_length=4, blank=True, db_index=True, help_text=_("from the city, for Italian sites")
    )
    staged_record = models.OneToOneField(
        "sources.StagedRecord", on_delete=models.SET_NULL, null=True, blank=True, related_name="trial_site"
    )
    organisation = models.ForeignKey(
        "registry.Organisation", on_delete=models.SET_NULL, null=True, blank=True, related_name="trial_sites"
    )

    class Meta:
        ordering = ["trial", "position"]
        constraints = [models.UniqueConstraint(fields=["trial", "position"], name="unique_trial_site")]

    def __str__(self):
        return f"{self.name} ({self.city}, {self.country})"


class TrialSponsor(models.Model):
    """The lead sponsor (position 1) or a collaborator of a trial."""

    class Role(models.TextChoices):
        LEAD = "lead", _("lead sponsor")
        COLLABORATOR = "collaborator", _("collaborator")

    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="sponsors")
    position = models.PositiveIntegerField(_("position"))
    name = models.CharField(_("name"), max_length=500)
    role = models.CharField(_("role"), max_length=12, choices=Role.choices)
    agency_class = models.CharField(_("class"), max_length=30, blank=True, help_text=_("INDUSTRY, NIH, OTHER…"))
    staged_record = models.OneToOneField(
        "sources.StagedRecord", on_delete=models.SET_NULL, null=True, blank=True, related_name="trial_sponsor"
    )
    organisation = models.ForeignKey(
        "registry.Organisation", on_delete=models.SET_NULL, null=True, blank=True, related_name="trial_sponsorships"
    )

    class Meta:
        ordering = ["trial", "position"]
        constraints = [models.UniqueConstraint(fields=["trial", "position"], name="unique_trial_sponsor")]

    def __str__(self):
        return self.name
