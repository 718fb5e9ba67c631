"""Shortlists: the organisations chosen for a need, saved with their scores and reasons, and
exported for the delegation as CSV, XLSX or a one-page PDF."""

from __future__ import annotations

import csv
import dataclasses
import io

from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from lshub.registry.models import Organisation
from lshub.registry.services.tabular.columns import safe_cell

from ..models import Shortlist, ShortlistEntry
from .match import MatchRequest, match
from .profiles import InvalidProfile

MAX_ENTRIES = 50
EXPORT_FORMATS = ("csv", "xlsx", "pdf")
# How deep the ranking goes when saving: chosen organisations found in it keep their score.
RANKED_FOR_SCORES = 100


@transaction.atomic
def save(title: str, request: MatchRequest, chosen: list[str], *, user=None, profile=None) -> Shortlist:
    """Keep the chosen organisations (keys) of a need, with the scores and reasons they got."""
    title = (title or "").strip()
    if not title:
        raise InvalidProfile(_("title: give the shortlist a title"))
    if len(title) > 200:
        raise InvalidProfile(_("title: at most 200 characters"))
    chosen = list(dict.fromkeys(k.strip() for k in chosen if k and k.strip()))
    if not chosen:
        raise InvalidProfile(_("organisations: choose at least one organisation"))
    if len(chosen) > MAX_ENTRIES:
        raise InvalidProfile(_("organisations: at most %(n)d in a shortlist") % {"n": MAX_ENTRIES})
    known = {o.slug: o for o in Organisation.objects.filter(slug__in=chosen)}
    missing = [k for k in chosen if k not in known]
    if missing:
        raise InvalidProfile(_("organisations: no organisation with key %(key)r") % {"key": missing[0]})
    # Rank on a copy: the caller's request keeps its own limit (and its own lists).
    request = dataclasses.replace(request, limit=RANKED_FOR_SCORES)
    ranked = {c.organisation.slug: c for c in match(request).candidates}
    shortlist = Shortlist.objects.create(
        title=title,
        need=request.text,
        filters={"type": request.types, "area": request.areas, "province": request.provinces, "region": request.region},
        owner=user if user is not None and user.is_authenticated else None,
        profile=profile,
    )
    # Best first, as the ranking had them; an organisation added by hand goes last.
    order = sorted(chosen, key=lambda k: -ranked[k].score if k in ranked else 1)
    for position, key in enumerate(order, start=1):
        candidate = ranked.get(key)
        ShortlistEntry.objects.create(
            shortlist=shortlist,
            organisation=known[key],
            position=position,
            score=candidate.score if candidate else 0.0,
            breakdown=candidate.breakdown if candidate else {},
            reasons=candidate.reasons if candidate else [],
        )
    return shortlist


def rows(shortlist: Shortlist) -> list[dict]:
    """One plain row per entry: what every export shows."""
    from lshub.registry.services.tabular import main_site

    result = []
    entries = shortlist.entries.select_related("organisation").prefetch_related("organisation__sites")
    for entry in entries:
        organisation = entry.organisation
        site = main_site(organisation)
        result.append(
            {
                "position": entry.position,
                "key": organisation.slug,
                "name": organisation.display_name,
                "type": str(organisation.get_type_display()),
                "place": f"{site.comune} ({site.province})" if site and site.province else (site.comune if site else ""),
                "score": round(entry.score, 3),
                "reasons": "; ".join(entry.reasons),
                "website": organisation.website,
                "note": entry.note,
            }
        )
    return result


COLUMNS = ("position", "key", "name", "type", "place", "score", "reasons", "website", "note")


def export_csv(shortlist: Shortlist) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    for row in rows(shortlist):
        writer.writerow([safe_cell(row[c]) for c in COLUMNS])
    return buffer.getvalue().encode("utf-8-sig")


def export_xlsx(shortlist: Shortlist) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "shortlist"
    sheet.append([safe_cell(shortlist.title)])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([_("Need"), safe_cell(shortlist.need)])
    sheet.append([])
    sheet.append(list(COLUMNS))
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    for row in rows(shortlist):
        sheet.append([safe_cell(row[c]) for c in COLUMNS])
    for column, width in zip("ABCDEFGHI", (9, 24, 48, 26, 24, 8, 80, 32, 30), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_pdf(shortlist: Shortlist, *, base_url: str = "") -> bytes:
    """A one-page brief for the delegation: the need, then each partner with its reasons."""
    from weasyprint import HTML

    html = render_to_string(
        "partnering/onepager.html",
        {"shortlist": shortlist, "rows": rows(shortlist), "generated": timezone.localdate()},
    )
    return HTML(string=html, base_url=base_url or None).write_pdf()


def filename(shortlist: Shortlist, fmt: str) -> str:
    """The download's file name: the title as a slug, else the shortlist's share key (never its
    number, which would let shortlists be found by counting)."""
    return f"{slugify(shortlist.title) or f'shortlist-{shortlist.key}'}.{fmt}"


def export(shortlist: Shortlist, fmt: str) -> tuple[bytes, str]:
    """(content, MIME type) of a shortlist in one of EXPORT_FORMATS."""
    if fmt == "csv":
        return export_csv(shortlist), "text/csv; charset=utf-8"
    if fmt == "xlsx":
        return export_xlsx(shortlist), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    if fmt == "pdf":
        return export_pdf(shortlist), "application/pdf"
    raise InvalidProfile(_("format: one of %(formats)s") % {"formats": ", ".join(EXPORT_FORMATS)})
