"""Partnering profiles (requests and offers) and shortlists of organisations."""

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from lshub.registry.choices import OrganisationType


class ProfileKind(models.TextChoices):
    REQUEST = "request", _("Request")
    OFFER = "offer", _("Offer")


class Cooperation(models.TextChoices):
    BUSINESS = "business", _("Business cooperation")
    TECHNOLOGY = "technology", _("Technology cooperation")
    RESEARCH = "research", _("Research cooperation")
    CLINICAL = "clinical", _("Clinical cooperation")


class PartneringProfile(models.Model):
    """A request for a partner, or an offer to partner, as EEN-style partnering profiles are."""

    kind = models.CharField(_("kind"), max_length=10, choices=ProfileKind.choices)
    cooperation = models.CharField(_("type of cooperation"), max_length=12, choices=Cooperation.choices)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("description"), help_text=_("what is needed or offered, in plain words"))
    partner_types = models.JSONField(
        _("partner types wanted"), default=list, blank=True, help_text=_("organisation types, e.g. irccs, company")
    )
    areas = models.ManyToManyField(
        "registry.Specialisation", blank=True, related_name="partnering_profiles", verbose_name=_("areas")
    )
    capabilities = models.JSONField(_("capabilities"), default=list, blank=True, help_text=_("short phrases"))
    region = models.CharField(_("region (NUTS 2)"), max_length=4, blank=True, help_text=_("e.g. ITC4 for Lombardy"))
    province = models.CharField(_("province"), max_length=2, blank=True)
    deadline = models.DateField(_("deadline"), null=True, blank=True)
    owner = models.CharField(_("owner"), max_length=200, help_text=_("the person or organisation behind the profile"))
    organisation = models.ForeignKey(
        "registry.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="partnering_profiles",
        verbose_name=_("organisation"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("partnering profile")
        verbose_name_plural = _("partnering profiles")

    def __str__(self):
        return f"{self.get_kind_display()}: {self.title}"

    def get_absolute_url(self):
        return reverse("partnering:profile", args=[self.pk])

    @property
    def partner_type_labels(self) -> list[str]:
        labels = dict(OrganisationType.choices)
        return [str(labels.get(t, t)) for t in self.partner_types]


def new_share_key() -> str:
    """An unguessable key for a shortlist's address (96 random bits)."""
    return secrets.token_urlsafe(12)


class Shortlist(models.Model):
    """Organisations chosen for a need, kept to send to a delegation.

    A shortlist says what a company or a delegation is looking for: its address carries a
    random key, not a number, so it is read only by those it is shared with.
    """

    key = models.CharField(_("share key"), max_length=32, unique=True, editable=False, default=new_share_key)
    title = models.CharField(_("title"), max_length=200)
    need = models.TextField(_("need"), blank=True)
    filters = models.JSONField(_("filters"), default=dict, blank=True)
    profile = models.ForeignKey(
        PartneringProfile, null=True, blank=True, on_delete=models.SET_NULL, related_name="shortlists"
    )
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("shortlist")
        verbose_name_plural = _("shortlists")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("partnering:shortlist", args=[self.key])


class ShortlistEntry(models.Model):
    shortlist = models.ForeignKey(Shortlist, on_delete=models.CASCADE, related_name="entries")
    organisation = models.ForeignKey("registry.Organisation", on_delete=models.CASCADE, related_name="+")
    position = models.PositiveIntegerField(_("position"))
    score = models.FloatField(_("score"), default=0)
    breakdown = models.JSONField(_("score breakdown"), default=dict, blank=True)
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["shortlist", "position"]
        constraints = [models.UniqueConstraint(fields=["shortlist", "organisation"], name="unique_shortlist_entry")]

    def __str__(self):
        return f"{self.shortlist}: {self.organisation}"
