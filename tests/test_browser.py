"""End to end in headless Chromium: search, facet, profile, language switch, map without tiles.

Uses the system's Chromium (Debian package `chromium`); it never downloads a browser.
"""

import re
from pathlib import Path

import pytest

from lshub.registry.models import Site
from lshub.registry.services.directory import DirectoryQuery, browse

sync_api = pytest.importorskip("playwright.sync_api")
expect = sync_api.expect

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]

pytestmark = pytest.mark.browser


@pytest.fixture
def chromium():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium); browser tests need it")
    return CHROMIUM


@pytest.fixture
def page(chromium, facts, live_server):
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=live_server.url, locale="en-GB")
        # No tile server is reachable from a test: refuse every request that leaves the live server.
        context.route(re.compile(r"^https?://(?!127\.0\.0\.1|localhost)"), lambda route: route.abort())
        page = context.new_page()
        page.set_default_timeout(15_000)
        yield page
        context.close()
        browser.close()


def total(**query) -> int:
    return browse(DirectoryQuery(**query), with_facets=False).total


@pytest.fixture
def facts(demo_committed):
    """What the pages should show, read from the database before the browser starts.

    Queries made while Playwright's loop runs would need DJANGO_ALLOW_ASYNC_UNSAFE and open
    a second connection that outlives the test and keeps PostgreSQL from dropping the test
    database: keep the test bodies free of queries.
    """
    irccs_in_pavia = browse(DirectoryQuery(q="pavia", type=["irccs"]), with_facets=False)
    return {
        "all": total(),
        "pavia": total(q="pavia"),
        "irccs_in_pavia": irccs_in_pavia.total,
        "irccs_in_pavia_names": [org.display_name for org in irccs_in_pavia.organisations],
        "first": irccs_in_pavia.organisations[0],
        "located_sites": Site.objects.filter(latitude__isnull=False, longitude__isnull=False).count(),
        "irccs_sites_in_pavia": Site.objects.filter(
            organisation__type="irccs", province="PV", latitude__isnull=False, longitude__isnull=False
        ).count(),
    }


def test_search_facet_profile_and_italian(page, facts):
    page.goto("/organisations/")
    heading = page.locator("#results-heading")
    search = page.locator("#q")
    expect(heading).to_contain_text(f"{facts['all']} organisations")
    page.evaluate("window.__samePage = true")

    # Paging happens in place too.
    page.get_by_role("link", name="Next →").click()
    expect(page.locator(".page-of")).to_contain_text("Page 2 of")
    expect(page).to_have_url(re.compile(r"/organisations/\?page=2$"))

    # A text too long for the service is refused in place, with the reason. The box stops
    # typing at 500 characters; a script (or an old browser) may not.
    search.evaluate(
        "box => { box.removeAttribute('maxlength'); box.value = 'onco '.repeat(120);"
        " box.dispatchEvent(new Event('input', {bubbles: true})); }"
    )
    expect(page.locator(".problem")).to_contain_text("q: the search text is longer than")

    # Typing updates the results in place (htmx) and the address bar, without a reload.
    search.fill("pavia")
    expect(heading).to_contain_text(f"{facts['pavia']} organisations")
    expect(page).to_have_url(re.compile(r"/organisations/\?q=pavia$"))

    # Ticking a facet narrows them: the IRCCS of Pavia.
    page.locator("#f-type-irccs").check()
    expect(heading).to_contain_text(f"{facts['irccs_in_pavia']} organisation")
    expect(page).to_have_url(re.compile(r"q=pavia&type=irccs$"))
    names = page.locator(".result h3 a")
    expect(names).to_have_count(facts["irccs_in_pavia"])
    assert names.all_inner_texts() == facts["irccs_in_pavia_names"]
    assert any("San Matteo" in name for name in facts["irccs_in_pavia_names"])
    assert page.evaluate("window.__samePage") is True, "the page was reloaded"

    # Back restores the earlier results; forward the filtered ones.
    page.go_back()
    expect(page).to_have_url(re.compile(r"/organisations/\?q=pavia$"))
    expect(heading).to_contain_text(f"{facts['pavia']} organisations")
    expect(page.locator("#f-type-irccs")).not_to_be_checked()
    page.go_forward()
    expect(page.locator("#f-type-irccs")).to_be_checked()
    expect(names).to_have_count(facts["irccs_in_pavia"])

    # A chosen filter can be removed from the list of filters in force, and put back.
    page.locator(".chosen a", has_text="Research hospital (IRCCS)").click()
    expect(heading).to_contain_text(f"{facts['pavia']} organisations")
    expect(page.locator("#f-type-irccs")).not_to_be_checked()
    page.locator("#f-type-irccs").check()
    expect(names).to_have_count(facts["irccs_in_pavia"])

    # The results lead to the profile.
    first = facts["first"]
    page.get_by_role("link", name=first.display_name, exact=True).click()
    expect(page).to_have_url(re.compile(rf"/organisations/{first.slug}/$"))
    expect(page.locator("h1")).to_have_text(first.display_name)
    expect(page.locator("#spec-heading")).to_have_text("Specialisations")

    # Switching to Italian keeps the page and translates it.
    page.get_by_role("button", name="Italiano").click()
    expect(page).to_have_url(re.compile(rf"/it/organisations/{first.slug}/$"))
    expect(page.locator("#spec-heading")).to_have_text("Specializzazioni")
    expect(page.locator("html")).to_have_attribute("lang", "it")
    main_nav = page.get_by_role("navigation", name="Principale")
    expect(main_nav.get_by_role("link", name="Elenco", exact=True)).to_be_visible()

    # …and back to English.
    page.get_by_role("button", name="English").click()
    expect(page).to_have_url(re.compile(rf"/organisations/{first.slug}/$"))
    expect(page.locator("#spec-heading")).to_have_text("Specialisations")


def test_maps_draw_markers_without_tiles(page, facts):
    located = facts["located_sites"]
    page.goto("/map/")
    markers = page.locator("#ecosystem-map path.leaflet-interactive")
    expect(page.locator("#ecosystem-map")).to_have_attribute("data-markers", str(located))
    expect(markers).to_have_count(located)
    # Clicking a marker opens a popup that links to the profile.
    page.locator('#ecosystem-map path[data-type="irccs"]').first.click(force=True)
    popup_link = page.locator(".leaflet-popup-content a.popup-name")
    expect(popup_link).to_have_attribute("href", re.compile(r"^/organisations/[\w-]+/$"))

    # The directory's filters apply to the map.
    page.goto("/map/?type=irccs&province=PV")
    expect(markers).to_have_count(facts["irccs_sites_in_pavia"])  # their sites in the province only

    # A profile with a located site has its own small map.
    page.goto("/organisations/san-matteo/")
    expect(page.locator("#org-map path.leaflet-interactive")).to_have_count(1)
