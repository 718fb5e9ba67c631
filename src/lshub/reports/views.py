"""The fact sheet on the site: a page with region, year and language choices, and downloads."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from .build import FactsheetError, available_regions, available_years, build_factsheet, region_name
from .render_html import render_article, render_html
from .render_json import render_json
from .render_pdf import render_pdf

FORMATS = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "json": "application/json",
}


def _options(request: HttpRequest) -> dict:
    """region, lang and year from the query string; a year that is not a number is refused."""
    year_text = request.GET.get("year", "").strip()
    if year_text and not year_text.isdigit():
        raise FactsheetError(_("year: %(year)r is not a year (write it as e.g. 2021)") % {"year": year_text})
    return {
        "region": request.GET.get("region", "ITC4").strip().upper() or "ITC4",
        "lang": request.GET.get("lang", "").strip() or translation.get_language() or "en",
        "year": int(year_text) if year_text else None,
    }


def _choices(options: dict, years: list[int] | None = None) -> dict:
    """Regions and years to choose from; `years` come from a built sheet, else they are read."""
    regions = [(code, region_name(code)) for code in available_regions()]
    return {"regions": regions, "years": years if years is not None else available_years(options["region"])}


def factsheet(request: HttpRequest) -> HttpResponse:
    context: dict = {}
    try:
        options = _options(request)
        context["options"] = options
        sheet = build_factsheet(**options)
    except FactsheetError as error:
        context.setdefault("options", {"region": "ITC4", "lang": translation.get_language(), "year": None})
        context.update(_choices(context["options"]), error=str(error))
        return render(request, "reports/factsheet_page.html", context, status=400)
    query = urlencode({"region": sheet.region, "lang": sheet.lang, **({"year": sheet.year} if sheet.year else {})})
    context.update(
        _choices(options, sheet.years),
        sheet=sheet,
        article=render_article(sheet),
        downloads=[(fmt, reverse("reports:download", args=[fmt]) + "?" + query) for fmt in FORMATS],
    )
    return render(request, "reports/factsheet_page.html", context)


def download(request: HttpRequest, fmt: str) -> HttpResponse:
    if fmt not in FORMATS:
        return JsonResponse({"detail": _("unknown format %(fmt)r: choose html, pdf or json") % {"fmt": fmt}}, status=400)
    try:
        sheet = build_factsheet(**_options(request))
    except FactsheetError as error:
        return JsonResponse({"detail": str(error)}, status=400)
    body = {"html": render_html, "pdf": render_pdf, "json": render_json}[fmt](sheet)
    response = HttpResponse(body, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{filename(sheet, fmt)}"'
    return response


def filename(sheet, fmt: str) -> str:
    year = sheet.year or "latest"
    return f"lshub-factsheet-{sheet.region}-{year}-{sheet.lang}.{fmt}"
