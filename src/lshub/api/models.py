"""Tokens that allow writing through the API. Only a hash of each key is stored."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiToken(models.Model):
    """A named key for API writes; its name is recorded with every change made with it."""

    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(_("SHA-256 of the key"), max_length=64, unique=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="api_tokens",
        verbose_name=_("user"),
        help_text=_("optional: the person the changes are attributed to in the history"),
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    last_used = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        ordering = ["name", "-created"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        constraints = [
            # A name may be reused once its earlier token is revoked.
            models.UniqueConstraint(fields=["name"], condition=models.Q(revoked__isnull=True), name="unique_active_token_name")
        ]

    def __str__(self):
        return self.name

    @property
    def is_active(self) -> bool:
        return self.revoked is None
