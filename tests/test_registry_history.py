"""Every registry change is in the history and can be reverted."""

import pytest
from django.contrib.auth import get_user_model

from lshub.registry.models import Organisation
from lshub.registry.services import history

pytestmark = pytest.mark.django_db


def test_changes_say_who_what_and_when():
    curator = get_user_model().objects.create_user("curator")
    besta = Organisation.objects.get(slug="besta")
    besta.employees, besta.employees_year = 1500, 2024
    besta._history_user = curator
    besta.save()
    latest = history.changes(besta)[0]
    assert latest.who == "curator" and latest.kind == "changed"
    assert ("employees", None, 1500) in latest.fields
    assert history.changes(besta)[-1].kind == "created"


def test_revert_restores_fields_and_is_itself_recorded():
    besta = Organisation.objects.get(slug="besta")
    original = besta.history.latest().history_id
    besta.name = "Wrong name"
    besta.save()
    history.revert(besta, original)
    besta.refresh_from_db()
    assert besta.name == "Fondazione IRCCS Istituto Neurologico Carlo Besta"
    assert history.changes(besta)[0].reason.startswith("reverted to the version of")
    assert "besta" in [o.slug for o in Organisation.objects.filter(search_entry__names__contains="besta")]


def test_revert_refuses_a_step_of_another_organisation():
    besta, int_ = Organisation.objects.get(slug="besta"), Organisation.objects.get(slug="int")
    with pytest.raises(history.CannotRevert):
        history.revert(besta, int_.history.latest().history_id)
