"""Partnering profiles (requests and offers) through the service, the API and the web app;
shortlists and their CSV, XLSX and PDF exports."""

import csv
import io
import json

import pytest
from django.contrib.auth import get_user_model
from openpyxl import load_workbook
from pypdf import PdfReader
from test_partnering_interfaces import api_urls  # noqa: F401  (fixture)

from lshub.api.tokens import issue_token
from lshub.partnering.models import PartneringProfile, Shortlist
from lshub.partnering.services import profiles, shortlists
from lshub.partnering.services.match import InvalidNeed, MatchRequest

pytestmark = pytest.mark.django_db

REQUEST = {
    "kind": "request",
    "cooperation": "clinical",
    "title": "Phase I oncology site in Milan",
    "text": "A German biotech seeks a research hospital to run a first-in-human study of an antibody in solid tumours.",
    "partner_types": ["irccs"],
    "areas": ["oncology"],
    "capabilities": ["phase I unit", "GCP"],
    "province": "mi",
    "deadline": "2027-03-31",
    "owner": "Delegation desk",
}
OFFER = {
    "kind": "offer",
    "cooperation": "clinical",
    "title": "Unità di fase 1 in oncologia",
    "text": "Offriamo studi clinici di fase 1 sui tumori solidi, con arruolamento rapido.",
    "areas": ["oncology"],
    "owner": "IEO clinical research office",
    "organisation": "ieo",
}


@pytest.fixture
def user():
    return get_user_model().objects.create_user("officer", password="pw-for-tests-only")


# ---- service --------------------------------------------------------------------------------


def test_a_request_is_saved_with_its_areas_and_matched_to_organisations_and_offers():
    request = profiles.save(REQUEST)
    offer = profiles.save(OFFER)
    profiles.save({**OFFER, "title": "Contract manufacturing", "text": "Sterile injectables fill and finish", "areas": ["sterile-injectables"], "organisation": ""})
    assert request.province == "MI" and list(request.areas.values_list("code", flat=True)) == ["oncology"]
    from lshub.partnering.services.match import match

    result = match(profiles.request_for(request))
    assert {c.organisation.slug for c in result.candidates[:2]} == {"int", "ieo"}
    assert all(c.organisation.type == "irccs" for c in result.candidates)
    offers = profiles.matching_profiles(request)
    assert offers[0].profile == offer  # Italian offer, English request: the vocabulary joins them
    assert any("oncology" in reason.lower() for reason in offers[0].reasons)


def test_profiles_are_searchable_in_either_language():
    profiles.save(REQUEST)
    profiles.save(OFFER)
    assert [p.title for p in profiles.search("tumori")][:2] != []
    found = profiles.search("oncologia", kind="request")
    assert [p.title for p in found] == [REQUEST["title"]]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"kind": "barter"}, "kind: must be one of"),
        ({"title": ""}, "title: this field is required"),
        ({"text": "x" * 10_000}, "text: at most 5000"),
        ({"areas": ["astrology"]}, "areas: unknown value 'astrology'"),
        ({"partner_types": ["spaceship"]}, "partner_types: unknown value"),
        ({"province": "ZZ"}, "province: unknown value 'ZZ'"),
        ({"deadline": "next Tuesday"}, "deadline: a date as YYYY-MM-DD"),
        ({"organisation": "no-such-org"}, "organisation: no organisation"),
        ({"colour": "blue"}, "colour: unknown field"),
    ],
)
def test_bad_profiles_are_refused_with_the_field_named(change, message):
    before = PartneringProfile.objects.count()
    with pytest.raises(InvalidNeed) as error:
        profiles.save({**REQUEST, **change})
    assert message in str(error.value)
    assert PartneringProfile.objects.count() == before


# ---- API ------------------------------------------------------------------------------------


def send(client, method, url, body=None, key=None):
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    return getattr(client, method)(url, json.dumps(body) if body is not None else "", content_type="application/json", headers=headers)


def test_profiles_crud_through_the_api_needs_a_token_for_writes(client, api_urls):  # noqa: F811
    assert send(client, "post", "/api/partnering/profiles", REQUEST).status_code == 401
    key = issue_token("partnering-desk")
    created = send(client, "post", "/api/partnering/profiles", REQUEST, key)
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    assert created.json()["areas"] == ["oncology"] and created.json()["province"] == "MI"
    listed = client.get("/api/partnering/profiles", {"q": "tumori"}).json()
    assert [p["id"] for p in listed] == [pk]
    changed = send(client, "patch", f"/api/partnering/profiles/{pk}", {"deadline": "2027-06-30", "areas": ["oncology", "haematology"]}, key)
    assert changed.status_code == 200 and changed.json()["deadline"] == "2027-06-30"
    assert sorted(changed.json()["areas"]) == ["haematology", "oncology"]
    matches = client.get(f"/api/partnering/profiles/{pk}/matches").json()
    assert {o["id"] for o in matches["organisations"][:2]} == {"int", "ieo"}
    assert send(client, "delete", f"/api/partnering/profiles/{pk}", key=key).status_code == 204
    assert client.get(f"/api/partnering/profiles/{pk}").status_code == 404


def test_api_refuses_bad_profiles_with_400_and_the_field(client, api_urls):  # noqa: F811
    key = issue_token("partnering-desk")
    response = send(client, "post", "/api/partnering/profiles", {**REQUEST, "areas": ["astrology"]}, key)
    assert response.status_code == 400 and response.json()["field"] == "areas"
    response = send(client, "post", "/api/partnering/profiles", {**REQUEST, "kind": "barter"}, key)
    assert response.status_code == 400 and response.json()["field"] == "kind"
    assert not PartneringProfile.objects.exists()


# ---- web: profiles and shortlists --------------------------------------------------------


def test_creating_a_profile_on_the_web_needs_a_login(client, user):
    assert client.get("/partnering/profiles/new/").status_code == 302
    client.force_login(user)
    form = {**{k: v for k, v in REQUEST.items() if k not in ("capabilities",)}, "capabilities": "phase I unit\nGCP"}
    response = client.post("/partnering/profiles/new/", form)
    profile = PartneringProfile.objects.get()
    assert response.status_code == 302 and response["Location"] == profile.get_absolute_url()
    assert profile.capabilities == ["phase I unit", "GCP"] and profile.created_by == user
    page = client.get(profile.get_absolute_url()).content.decode()
    assert "Istituto Europeo di Oncologia" in page and "IRCCS recognised for oncology" in page


def test_a_bad_profile_form_keeps_what_was_typed(client, user):
    client.force_login(user)
    response = client.post("/partnering/profiles/new/", {**REQUEST, "deadline": "soon", "title": "Kept title <b>"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "deadline: a date" in page and "Kept title &lt;b&gt;" in page
    assert not PartneringProfile.objects.exists()


def test_profile_list_page_searches(client):
    profiles.save(REQUEST)
    profiles.save(OFFER)
    page = client.get("/partnering/profiles/", {"q": "tumours", "kind": "offer"}).content.decode()
    assert OFFER["title"] in page and REQUEST["title"] not in page


def test_shortlist_saved_from_the_page_and_exported(client, user):
    client.force_login(user)
    response = client.post(
        "/partnering/shortlists/new/",
        {"title": "Delegation from Bavaria", "q": "research hospital for oncology in Milan", "chosen": ["ieo", "int", "humanitas"]},
    )
    shortlist = Shortlist.objects.get()
    assert response.status_code == 302 and response["Location"] == shortlist.get_absolute_url()
    assert shortlist.key in shortlist.get_absolute_url()  # shared by a random key…
    assert client.get(f"/partnering/shortlists/{shortlist.pk}/").status_code == 404  # …not found by counting
    entries = list(shortlist.entries.select_related("organisation"))
    assert [e.organisation.slug for e in entries][:2] in (["int", "ieo"], ["ieo", "int"])
    assert "IRCCS recognised for oncology" in entries[0].reasons and entries[0].score > entries[-1].score

    rows = list(csv.DictReader(io.StringIO(client.get(f"{shortlist.get_absolute_url()}export.csv").content.decode("utf-8-sig"))))
    assert [r["key"] for r in rows] == [e.organisation.slug for e in entries]
    assert "IRCCS recognised for oncology" in rows[0]["reasons"]

    xlsx = client.get(f"{shortlist.get_absolute_url()}export.xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["A1"].value == "Delegation from Bavaria" and sheet["B5"].value == entries[0].organisation.slug

    pdf = client.get(f"{shortlist.get_absolute_url()}export.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.content))
    text = reader.pages[0].extract_text()
    assert len(reader.pages) == 1 and "Delegation from Bavaria" in text and "IRCCS recognised for" in text

    assert client.get(f"{shortlist.get_absolute_url()}export.doc").status_code == 404



def test_shortlists_through_the_api_are_saved_read_and_exported(client, api_urls):  # noqa: F811
    body = {"title": "Delegation from Bavaria", "need": {"text": "phase I oncology trials", "type": ["irccs"]}, "organisations": ["ieo", "int"]}
    assert send(client, "post", "/api/partnering/shortlists", body).status_code == 401
    key = issue_token("partnering-desk")
    created = send(client, "post", "/api/partnering/shortlists", body, key)
    assert created.status_code == 201, created.content
    saved = created.json()
    assert saved["title"] == "Delegation from Bavaria" and saved["need"] == "phase I oncology trials"
    assert saved["filters"]["type"] == ["irccs"]
    assert {e["key"] for e in saved["entries"]} == {"ieo", "int"} and all(e["score"] > 0 and e["reasons"] for e in saved["entries"])
    assert [e["position"] for e in saved["entries"]] == [1, 2]
    assert len(saved["key"]) >= 16 and str(Shortlist.objects.get().pk) != saved["key"]
    assert client.get(f"/api/partnering/shortlists/{saved['key']}").json()["entries"] == saved["entries"]
    exported = client.get(saved["exports"]["csv"])
    assert exported.status_code == 200 and exported["Content-Disposition"] == 'attachment; filename="delegation-from-bavaria.csv"'
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert [r["key"] for r in rows] == [e["key"] for e in saved["entries"]]
    assert client.get(saved["exports"]["pdf"]).content.startswith(b"%PDF-")
    unknown = client.get(f"/api/partnering/shortlists/{saved['key']}/export.doc")
    assert unknown.status_code == 400 and "csv, xlsx, pdf" in unknown.json()["detail"]
    assert client.get("/api/partnering/shortlists/no-such-key").status_code == 404
    # Its number is not its address: shortlists cannot be read by counting.
    assert client.get(f"/api/partnering/shortlists/{Shortlist.objects.get().pk}").status_code == 404


@pytest.mark.parametrize(
    ("change", "status", "message"),
    [
        ({"title": ""}, 400, "title"),
        ({"organisations": []}, 400, "choose at least one"),
        ({"organisations": ["no-such-org"]}, 400, "no organisation with key"),
        ({"organisations": [f"org-{n}" for n in range(51)]}, 400, "at most 50"),
        ({"profile": 999999}, 404, "no partnering profile"),
        ({"need": {"text": ""}}, 400, "describe the partner you need"),
        ({"need": {"text": "oncology", "limit": "many"}}, 422, ""),
    ],
)
def test_api_refuses_bad_shortlists(client, api_urls, change, status, message):  # noqa: F811
    body = {"title": "Delegation", "need": {"text": "oncology"}, "organisations": ["int"], **change}
    response = send(client, "post", "/api/partnering/shortlists", body, issue_token("partnering-desk"))
    assert response.status_code == status, response.content
    assert message in str(response.json()["detail"])
    assert not Shortlist.objects.exists()


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"title": "", "q": "oncology", "chosen": ["int"]}, "title: give the shortlist a title"),
        ({"title": "x", "q": "oncology", "chosen": []}, "choose at least one"),
        ({"title": "x", "q": "oncology", "chosen": ["no-such-org"]}, "no organisation with key"),
    ],
)
def test_bad_shortlists_are_refused(client, user, form, message):
    client.force_login(user)
    response = client.post("/partnering/shortlists/new/", form)
    assert response.status_code == 400 and message in response.content.decode()
    assert not Shortlist.objects.exists()


def test_spreadsheet_cells_that_look_like_formulas_stay_text(user):
    shortlist = shortlists.save("=HYPERLINK(\"x\")", MatchRequest(text="oncology"), ["int"], user=user)
    first = next(csv.reader(io.StringIO(shortlists.export_csv(shortlist).decode("utf-8-sig"))))
    assert first[0] == "position"
    sheet = load_workbook(io.BytesIO(shortlists.export_xlsx(shortlist))).active
    assert sheet["A1"].value.startswith("'=")


def test_saving_a_shortlist_leaves_the_callers_request_as_it_was(user):
    need = MatchRequest(text="oncology", types=["irccs"], limit=3)
    shortlist = shortlists.save("Delegation", need, ["int", "ieo"], user=user)
    assert need.limit == 3 and need.types == ["irccs"]
    assert shortlist.entries.count() == 2 and shortlist.filters["type"] == ["irccs"]


def test_a_title_without_letters_names_the_download_by_the_share_key(user):
    shortlist = shortlists.save("???", MatchRequest(text="oncology"), ["int"], user=user)
    assert shortlists.filename(shortlist, "csv") == f"shortlist-{shortlist.key}.csv"


def _queries(action) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        action()
    return len(captured)


def test_listing_and_matching_profiles_reads_their_areas_once_not_once_per_profile():
    request = profiles.save(REQUEST)
    profiles.save(OFFER)
    listed_one = _queries(lambda: [profiles.as_dict(p) for p in profiles.search(kind="offer")])
    matched_one = _queries(lambda: profiles.matching_profiles(request))
    for n in range(4):
        profiles.save({**OFFER, "title": f"Oncology offer {n}", "areas": ["oncology", "sterile-injectables"]})
    listed = [profiles.as_dict(p) for p in profiles.search(kind="offer")]
    assert len(listed) == 5 and all(p["areas"] for p in listed)
    assert _queries(lambda: [profiles.as_dict(p) for p in profiles.search(kind="offer")]) == listed_one
    assert _queries(lambda: profiles.matching_profiles(request)) == matched_one
