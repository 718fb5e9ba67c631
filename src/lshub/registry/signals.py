"""Reindex an organisation whenever something that feeds its search text changes."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Alias, Organisation, OrganisationSpecialisation, Site
from .services import indexing


@receiver(post_save, sender=Organisation)
def organisation_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        indexing.index([instance.pk])


@receiver([post_save, post_delete], sender=Alias)
@receiver([post_save, post_delete], sender=Site)
@receiver([post_save, post_delete], sender=OrganisationSpecialisation)
def part_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    if Organisation.objects.filter(pk=instance.organisation_id).exists():
        indexing.index([instance.organisation_id])
