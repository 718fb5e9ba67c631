"""The review queue: its decisions, its web page (staff only) and its admin."""

import pytest
from django.urls import reverse
from django.utils import timezone

from lshub.linkage import review
from lshub.linkage.models import ReviewItem
from lshub.registry.models import Identifier, Organisation
from lshub.sources.models import StagedRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def item():
    candidate = {
        "name": "Istituto Ortopedico Galeazzi S.p.A.",
        "aliases": ["Galeazzi Orthopaedic Institute"],
        "acronyms": ["IOG"],
        "types": ["healthcare"],
        "city": "Milano",
        "province": "MI",
        "country": "IT",
        "website": "",
        "identifiers": {"ror": "01vyrje42"},
    }
    now = timezone.now()
    staged = StagedRecord.objects.create(
        source="ror", file="sample.json", record_id="01vyrje42", kind="organisation", content_hash="0" * 64,
        raw={}, candidate=candidate, first_seen=now, last_seen=now, status="queued",
    )
    return ReviewItem.objects.create(
        candidate=candidate, source="ror", record_id="01vyrje42", staged=staged,
        proposed=Organisation.objects.get(slug="galeazzi"), probability=0.8, reasons=["name: same distinctive words (+9.0)"],
    )


def test_accept_links_the_candidate_and_keeps_what_it_knows(item, admin_user):
    review.accept(item, admin_user)
    item.refresh_from_db()
    galeazzi = Organisation.objects.get(slug="galeazzi")
    assert item.status == "accepted" and item.decided_by == admin_user and item.decided_at and item.resolved == galeazzi
    assert {"Istituto Ortopedico Galeazzi S.p.A.", "Galeazzi Orthopaedic Institute", "IOG"} <= set(galeazzi.aliases.values_list("name", flat=True))
    assert Identifier.objects.get(scheme="ror", value="01vyrje42").organisation == galeazzi
    assert galeazzi.source_links.filter(source__url="https://ror.org/", record_id="01vyrje42").exists()
    item.staged.refresh_from_db()
    assert item.staged.status == "linked" and item.staged.organisation == galeazzi
    with pytest.raises(review.ReviewError, match="already decided"):
        review.reject(item, admin_user)


def test_reject_sets_the_candidate_aside(item, admin_user):
    review.reject(item, admin_user, note="another hospital")
    item.refresh_from_db()
    item.staged.refresh_from_db()
    assert (item.status, item.note, item.staged.status, item.staged.organisation) == ("rejected", "another hospital", "rejected", None)


def test_merge_into_links_to_the_chosen_organisation(item, admin_user):
    target = Organisation.objects.get(slug="asst-pini-cto")
    review.merge_into(item, target, admin_user)
    item.refresh_from_db()
    assert item.status == "merged" and item.resolved == target
    assert Identifier.objects.get(scheme="ror", value="01vyrje42").organisation == target


def test_create_new_makes_an_organisation_with_its_place(item, admin_user):
    review.create_new(item, admin_user)
    item.refresh_from_db()
    created = item.resolved
    assert item.status == "created" and created.name == "Istituto Ortopedico Galeazzi S.p.A."
    assert created.type == "hospital"  # from the ROR type healthcare
    site = created.sites.get()
    assert (site.comune, site.province, site.nuts2) == ("Milano", "MI", "ITC4")
    assert created.identifiers.filter(scheme="ror", value="01vyrje42").exists()
    assert created.history.first().history_change_reason == "created from ror 01vyrje42"


def test_conflicts_keep_the_curated_value_until_accepted(admin_user):
    from lshub.linkage import linking

    ieo = Organisation.objects.get(slug="ieo")
    ieo.website = "https://www.ieo.it"
    ieo.save()
    [conflict] = linking.apply_link(ieo, {"name": "IEO", "website": "https://www.ieo.com/"}, "ror", "02vr0ne26")
    ieo.refresh_from_db()
    assert ieo.website == "https://www.ieo.it"  # never overwritten by an import
    review.accept(conflict, admin_user)
    ieo.refresh_from_db()
    assert ieo.website == "https://www.ieo.com/"


def test_the_queue_page_is_for_staff_only(client, item, django_user_model):
    url = reverse("linkage:queue")
    response = client.get(url)
    assert response.status_code == 302 and "login" in response["Location"]
    client.force_login(django_user_model.objects.create_user("visitor", password="x"))
    assert client.get(url).status_code == 302


def test_the_queue_page_lists_and_decides(admin_client, item):
    page = admin_client.get(reverse("linkage:queue"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Istituto Ortopedico Galeazzi S.p.A." in html and "Merge into" in html and 'value="galeazzi"' in html
    assert admin_client.get(reverse("linkage:item", args=[item.pk])).status_code == 200

    refused = admin_client.post(reverse("linkage:decide", args=[item.pk]), {"action": "merge", "target": "no-such-key"}, follow=True)
    assert "no organisation with key" in refused.content.decode()
    item.refresh_from_db()
    assert item.is_open

    done = admin_client.post(reverse("linkage:decide", args=[item.pk]), {"action": "merge", "target": "asst-pini-cto"})
    assert done.status_code == 302
    item.refresh_from_db()
    assert item.status == "merged" and item.resolved.slug == "asst-pini-cto"


def test_the_queue_page_in_italian(admin_client, item):
    response = admin_client.get("/it/review/")
    assert response.status_code == 200
    assert 'lang="it"' in response.content.decode()


def test_admin_actions(admin_client, item):
    url = reverse("admin:linkage_reviewitem_changelist")
    assert admin_client.get(url).status_code == 200
    asked = admin_client.post(url, {"action": "merge_into", "_selected_action": [item.pk]})
    assert asked.status_code == 200 and "Merge into" in asked.content.decode()
    admin_client.post(url, {"action": "merge_into", "_selected_action": [item.pk], "apply": "1", "target": "galeazzi"})
    item.refresh_from_db()
    assert item.status == "merged" and item.resolved.slug == "galeazzi"
    admin_client.post(url, {"action": "reject", "_selected_action": [item.pk]}, follow=True)
    item.refresh_from_db()
    assert item.status == "merged"  # decided items are not decided again


def test_an_accepted_conflict_is_in_the_history_with_its_reason_and_who_decided(admin_user):
    from lshub.linkage import linking

    ieo = Organisation.objects.get(slug="ieo")
    ieo.website = "https://www.ieo.it"
    ieo.save()
    [website] = linking.apply_link(ieo, {"name": "IEO", "website": "https://www.ieo.com/"}, "ror", "02vr0ne26")
    review.accept(website, admin_user)
    last = ieo.history.first()
    assert (last.website, last.history_user, last.history_change_reason) == (
        "https://www.ieo.com/", admin_user, "accepted website from ror 02vr0ne26"
    )


def test_an_accepted_identifier_replaces_the_old_one_in_the_history(admin_user):
    from lshub.linkage import linking

    ieo = Organisation.objects.get(slug="ieo")
    Identifier.objects.filter(organisation=ieo, scheme="ror").delete()
    old = Identifier.objects.create(organisation=ieo, scheme="ror", value="000000000")
    [conflict] = linking.apply_link(ieo, {"name": "IEO", "identifiers": {"ror": "https://ror.org/02vr0ne26"}}, "ror", "02vr0ne26")
    review.accept(conflict, admin_user)
    assert list(ieo.identifiers.filter(scheme="ror").values_list("value", flat=True)) == ["02vr0ne26"]
    removed = Identifier.history.get(id=old.pk, history_type="-")
    added = Identifier.history.filter(organisation_id=ieo.pk, value="02vr0ne26", history_type="+").latest("history_id")
    for row in (removed, added):
        assert row.history_user == admin_user
        assert row.history_change_reason.startswith("accepted identifier:ror from ror 02vr0ne26")


def test_an_invalid_accepted_value_is_refused_and_nothing_changes(admin_user):
    from lshub.linkage.merges import conflict

    ieo = Organisation.objects.get(slug="ieo")
    item = conflict(ieo, "founded", "not a year", origin="a test")
    with pytest.raises(review.ReviewError, match="founded"):
        review.accept(item, admin_user)
    item.refresh_from_db()
    assert item.is_open and Organisation.objects.get(slug="ieo").founded == ieo.founded
    unknown = conflict(ieo, "slug", "ieo-2", origin="a test", kept="ieo")
    with pytest.raises(review.ReviewError, match="not a field that can be set"):
        review.accept(unknown, admin_user)
