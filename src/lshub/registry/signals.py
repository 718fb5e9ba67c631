"""Reindex an organisation whenever something that feeds its search text changes."""

import threading

from django.db.models.signals import post_delete, post_save, pre_delete
from django.dispatch import receiver

from .models import Alias, Organisation, OrganisationSpecialisation, Site
from .services import indexing

# Organisations in the middle of being deleted: their parts go first, and reindexing
# them then would re-create the search entry of a row about to disappear.
_being_deleted = threading.local()


def _deleting() -> set:
    if not hasattr(_being_deleted, "ids"):
        _being_deleted.ids = set()
    return _being_deleted.ids


@receiver(post_save, sender=Organisation)
def organisation_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        indexing.index([instance.pk])


@receiver(pre_delete, sender=Organisation)
def organisation_deleting(sender, instance, **kwargs):
    _deleting().add(instance.pk)


@receiver(post_delete, sender=Organisation)
def organisation_deleted(sender, instance, **kwargs):
    _deleting().discard(instance.pk)


@receiver([post_save, post_delete], sender=Alias)
@receiver([post_save, post_delete], sender=Site)
@receiver([post_save, post_delete], sender=OrganisationSpecialisation)
def part_changed(sender, instance, raw=False, **kwargs):
    if raw or instance.organisation_id in _deleting():
        return
    indexing.index([instance.organisation_id])
