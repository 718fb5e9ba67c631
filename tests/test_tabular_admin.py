"""The admin: curation pages answer, and its import/export speaks the tabular service."""

import csv
import io
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from lshub.registry.models import Organisation, Relation, Source, Specialisation
from lshub.registry.services import tabular

pytestmark = pytest.mark.django_db

SAMPLES = Path(__file__).parent / "samples"
BASE = "/admin/registry/organisation/"


def upload(name: str, content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content if content is not None else (SAMPLES / name).read_bytes())


def test_curation_pages_answer(admin_client):
    int_ = Organisation.objects.get(slug="int")
    pages = [
        "/admin/",
        BASE,
        f"{BASE}?q=tumori",
        f"{BASE}?type__exact=irccs&sites__province=MI",
        f"{BASE}{int_.pk}/change/",
        f"{BASE}{int_.pk}/history/",
        f"{BASE}add/",
        f"{BASE}import/",
        f"{BASE}export/",
        "/admin/registry/specialisation/",
        f"/admin/registry/specialisation/{Specialisation.objects.get(code='oncology').pk}/change/",
        "/admin/registry/relation/",
        f"/admin/registry/relation/{Relation.objects.first().pk}/history/",
        "/admin/registry/source/",
        f"/admin/registry/source/{Source.objects.first().pk}/change/",
        f"/it{BASE}",
    ]
    for page in pages:
        assert admin_client.get(page).status_code == 200, page


def test_change_page_shows_the_inlines(admin_client):
    besta = Organisation.objects.get(slug="besta")
    content = admin_client.get(f"{BASE}{besta.pk}/change/").content.decode()
    for inline in (
        "aliases-group",
        "sites-group",
        "identifiers-group",
        "specialisation_links-group",
        "source_links-group",
    ):
        assert inline in content
    assert "05rbx8m02" in content


def test_history_page_lists_the_change_reason(admin_client):
    besta = Organisation.objects.get(slug="besta")
    besta.website = "https://curated.example.org"
    besta._change_reason = "curated by hand"
    besta.save()
    assert "curated by hand" in admin_client.get(f"{BASE}{besta.pk}/history/").content.decode()


def test_the_changelist_search_finds_by_alias(admin_client):
    response = admin_client.get(f"{BASE}?q=Besta")
    assert "Istituto Neurologico Carlo Besta" in response.content.decode()


def test_export_writes_the_tabular_columns_with_formulas_neutralised(admin_client):
    Organisation.objects.create(slug="aaa-injection", name="=cmd|' /C calc'!A0", type="company")
    response = admin_client.post(f"{BASE}export/", {"format": "0", "resource": "0"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert list(rows[0]) == list(tabular.COLUMNS)
    assert rows[0]["name"] == "'=cmd|' /C calc'!A0"
    assert len(rows) == Organisation.objects.count()


def test_xlsx_export_from_the_admin(admin_client, tmp_path):
    response = admin_client.post(f"{BASE}export/", {"format": "1", "resource": "0"})
    assert response.status_code == 200
    path = tmp_path / "admin.xlsx"
    path.write_bytes(response.content)
    header = next(load_workbook(path, read_only=True).worksheets[0].iter_rows(values_only=True))
    assert list(header) == list(tabular.COLUMNS)


def test_import_previews_then_writes_with_the_service_rules(admin_client):
    count = Organisation.objects.count()
    response = admin_client.post(
        f"{BASE}import/", {"format": "0", "resource": "0", "import_file": upload("organisations_semicolon_bom.csv")}
    )
    assert response.status_code == 200
    result = response.context["result"]
    assert result.totals["new"] == 2 and not result.has_validation_errors()
    assert Organisation.objects.count() == count  # the preview is a dry run
    confirm = response.context["confirm_form"]
    response = admin_client.post(f"{BASE}process_import/", {**confirm.initial, "resource": "0"})
    assert response.status_code == 302
    uno = Organisation.objects.get(slug="test-semi-uno")
    assert uno.sites.get().comune == "Pavia"
    record = uno.history.first()
    assert record.history_change_reason == "import organisations_semicolon_bom.csv"
    assert record.history_user.is_superuser


def test_import_with_bad_rows_shows_them_and_offers_no_confirmation(admin_client):
    response = admin_client.post(
        f"{BASE}import/", {"format": "0", "resource": "0", "import_file": upload("organisations_three_bad_rows.csv")}
    )
    result = response.context["result"]
    assert [(row.number, list(row.error_dict)) for row in result.invalid_rows] == [
        (4, ["type"]),
        (5, ["province"]),
        (6, ["founded"]),
    ]
    assert "unknown type &#x27;hopsital&#x27;" in response.content.decode()
    assert "confirm_form" not in response.context
    assert not Organisation.objects.filter(slug__startswith="test-biolab").exists()


def test_import_of_a_latin1_file_says_why_in_the_form(admin_client):
    response = admin_client.post(
        f"{BASE}import/", {"format": "0", "resource": "0", "import_file": upload("organisations_latin1.csv")}
    )
    assert response.status_code == 200
    assert "CSV UTF-8" in " ".join(response.context["form"].errors["import_file"])


def test_import_with_an_unknown_column_names_it(admin_client):
    response = admin_client.post(
        f"{BASE}import/",
        {"format": "0", "resource": "0", "import_file": upload("x.csv", b"key,name,type,colour\nx,X,company,blue\n")},
    )
    assert "unknown column 'colour'" in " ".join(response.context["form"].errors["import_file"])


def test_conflicts_show_in_the_preview_and_the_curated_value_stays(admin_client):
    content = (
        b"key,name,type,website\nint,Fondazione IRCCS Istituto Nazionale dei Tumori,irccs,https://other.example.org\n"
    )
    response = admin_client.post(
        f"{BASE}import/", {"format": "0", "resource": "0", "import_file": upload("int.csv", content)}
    )
    row = response.context["result"].rows[0]
    assert row.import_type == "skip" and "website" in row.diff[3]
    admin_client.post(f"{BASE}process_import/", {**response.context["confirm_form"].initial, "resource": "0"})
    assert Organisation.objects.get(slug="int").website == "https://www.istitutotumori.mi.it"
