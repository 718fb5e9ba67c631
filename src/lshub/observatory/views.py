"""Observatory pages: thin adapters over the figures, benchmark, chart and export services.

Every table can be downloaded with ?format=csv or ?format=xlsx. A bad parameter answers
400 with the reason on the page; an unknown indicator is a 404.
"""

from __future__ import annotations

from itertools import groupby

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from .choices import Segment
from .models import Geography
from .services import benchmarks, charts, export, figures, queries
from .services.errors import InvalidQuery, ObservatoryError, UnknownIndicator
from .services.geographies import HOME_REGION, geography, peer_sets


class BadFormat(InvalidQuery):
    pass


def _format(request) -> str | None:
    fmt = request.GET.get("format") or None
    if fmt is not None and fmt not in export.FORMATS:
        raise BadFormat(_("format: %(fmt)r is not a download format (csv or xlsx)") % {"fmt": fmt[:20]})
    return fmt


def _download(fmt: str, table: tuple[list[str], list[list]], name: str) -> HttpResponse:
    header, rows = table
    response = HttpResponse(export.render(fmt, header, rows, name), content_type=export.FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response


def _refused(request, error: Exception, template: str = "observatory/error.html") -> HttpResponse:
    return render(request, template, {"error": str(error)}, status=400)


def _geographies_with_data() -> list[Geography]:
    return list(Geography.objects.filter(observations__isnull=False).distinct().order_by("level", "code"))


@require_GET
def index(request):
    """The indicator table of a region: latest figures with share of Italy and change."""
    try:
        place = geography(request.GET.get("geo") or HOME_REGION)
        year = queries.year(request.GET.get("year"))
        segment = request.GET.get("segment") or None
        definitions = figures.indicators(segment)
        fmt = _format(request)
    except ObservatoryError as error:
        return _refused(request, error)
    shown = figures.figures_for(place, definitions, year)
    if fmt:
        return _download(fmt, export.figure_rows(shown, definitions), f"observatory-{place.code}{f'-{year}' if year else ''}")
    segments = dict(Segment.choices)
    grouped = [(segments.get(key, key), list(rows)) for key, rows in groupby(zip(definitions, shown), key=lambda p: p[0].segment)]
    return render(
        request,
        "observatory/index.html",
        {
            "place": place,
            "year": year,
            "segment": segment,
            "segments": Segment.choices,
            "groups": grouped,
            "gap_count": sum(1 for f in shown if f.value is None),
            "total": len(shown),
            "geographies": _geographies_with_data(),
            "peer_sets": peer_sets(),
        },
    )


@require_GET
def indicator(request, indicator_id: str):
    """One indicator: definition, time series chart for a region, every observation, sources."""
    try:
        definition = figures.indicator(indicator_id)
    except UnknownIndicator as error:
        raise Http404(str(error)) from error
    try:
        place = geography(request.GET.get("geo") or HOME_REGION)
        fmt = _format(request)
    except ObservatoryError as error:
        return _refused(request, error)
    rows = list(queries.observations(definition.id))
    if fmt:
        return _download(fmt, export.observation_rows(rows), f"observations-{definition.id}")
    series = figures.series(definition.id, place.code)
    sources = {row.source_id: row.source for row in rows}
    return render(
        request,
        "observatory/indicator.html",
        {
            "indicator": definition,
            "place": place,
            "series": series,
            "chart": charts.series_svg(series, f"{definition.label} — {place.name}"),
            "observations": rows,
            "sources": sorted(sources.values(), key=lambda s: (s.publisher, s.url)),
            "geographies": sorted({row.geo for row in rows} | {place}, key=lambda g: (g.level, g.code)),
            "segment_label": dict(Segment.choices).get(definition.segment, definition.segment),
        },
    )


@require_GET
def benchmark(request):
    """The home region against a peer set, on indicators every region of the set has."""
    sets = peer_sets()
    try:
        slug = request.GET.get("set") or (sets[0].slug if sets else "")
        result = benchmarks.benchmark(
            slug,
            home=request.GET.get("geo") or HOME_REGION,
            year=queries.year(request.GET.get("year")),
            basis=request.GET.get("basis") or "auto",
        )
        fmt = _format(request)
    except ObservatoryError as error:
        return _refused(request, error)
    if fmt:
        return _download(fmt, export.benchmark_rows(result), f"benchmark-{slug}-{result.home.code}")
    return render(
        request,
        "observatory/benchmark.html",
        {
            "result": result,
            "slug": slug,
            "peer_sets": sets,
            "bases": [("auto", _("automatic")), ("value", _("as published")),
                      ("per_inhabitant", _("per inhabitant")), ("share", _("share of the national total"))],  # fmt: skip
            "year": request.GET.get("year", ""),
        },
    )


