"""Numbers and lists of the fact sheet that the registry computes from organisation records.

Counts are never typed in: the IRCCS of a region are the records the directory service finds
seated there, so the sheet changes when a curator adds or corrects a record. Each count cites
the registry and keeps the sources of the records it counted.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db.models import Q, QuerySet
from django.urls import NoReverseMatch
from django.utils.translation import gettext as _

from lshub.observatory.services import figures
from lshub.registry.choices import RELATION_INVERSE_LABELS, OrganisationType, RelationKind
from lshub.registry.models import Organisation, Relation, Site, Source
from lshub.registry.services import directory

from .document import COMPUTED, Entry, Item, RecordSource
from .footnotes import Footnotes
from .numbers import percent, quantity, status_label

HUMAN_TECHNOPOLE = "ht"
LIFE_SCIENCES_HUB = "ls-hub"


def _page(organisation: Organisation) -> str:
    """The record's page on the site; empty when the web app is not mounted."""
    try:
        return organisation.get_absolute_url()
    except NoReverseMatch:
        return ""


def record_sources(organisations: QuerySet) -> list[RecordSource]:
    """Each counted record with the URLs of the sources it was built from."""
    records = []
    for organisation in organisations.order_by("name").prefetch_related("source_links__source"):
        urls = sorted({link.source.url for link in organisation.source_links.all()})
        records.append(RecordSource(organisation.slug, organisation.display_name, urls))
    return records


def registry_note(notes: Footnotes, organisations: QuerySet, today: date) -> int:
    """A count's note cites the registry; each counted record links to its own sources."""
    records = record_sources(organisations)
    return notes.add(
        publisher=_("lshub registry"),
        url="",
        retrieved=today,
        status=COMPUTED,
        note=_("computed on %(date)s from %(count)d organisation records")
        % {"date": today.isoformat(), "count": len(records)},
        records=records,
    )


def count_item(key: str, label: str, value: int, unit: str, footnote: int, **extra) -> Item:
    return Item(
        key=key,
        label=label,
        value=Decimal(value),
        unit=unit,
        period=None,
        status=COMPUTED,
        footnote=footnote,
        display=quantity(Decimal(value), unit),
        status_label=status_label(COMPUTED),
        **extra,
    )


def irccs_count(notes: Footnotes, region: str, today: date, national: Decimal | None) -> Item:
    """The region's IRCCS, counted from the registry; its share uses the national total when known."""
    seated = directory.irccs_seated_in(region)
    count = seated.count()
    footnote = registry_note(notes, seated, today)
    share = figures.percent(Decimal(count), national)
    return count_item(
        "registry.irccs_seated",
        _("Research hospitals (IRCCS) with their seat in the region"),
        count,
        "institutes",
        footnote,
        geo=region,
        share_of_national=share,
        share_display=percent(share) if share is not None else "",
    )


def irccs_by_area(notes: Footnotes, region: str, today: date) -> list[Item]:
    """One item per IRCCS area, as the directory service counts them (areas with none left out)."""
    items = []
    for area, count in directory.irccs_by_area(region):
        if not count:
            continue
        counted = directory.irccs_recognised_for(area.code, region)
        footnote = registry_note(notes, counted, today)
        items.append(count_item(f"registry.irccs_area.{area.code}", area.label, count, "institutes", footnote, geo=region))
    return items


def _relation_note(notes: Footnotes, source: Source | None, today: date, organisation: Organisation) -> int:
    """The note of a relation: its own source when recorded, else the registry record."""
    if source is None:
        return registry_note(notes, Organisation.objects.filter(pk=organisation.pk), today)
    return notes.add(
        publisher=source.publisher or source.title or _("source"),
        url=source.url,
        retrieved=source.retrieved,
        status="sourced",
    )


def _entry(organisation: Organisation, detail: str, footnote: int) -> Entry:
    return Entry(
        slug=organisation.slug,
        name=organisation.display_name,
        detail=detail,
        url=_page(organisation),
        website=organisation.website,
        footnote=footnote,
    )


def human_technopole_centres(notes: Footnotes, today: date) -> tuple[list[Entry], Item | None]:
    """The research centres recorded as part of Human Technopole, and how many they are."""
    relations = (
        Relation.objects.filter(kind=RelationKind.PART_OF, object__slug=HUMAN_TECHNOPOLE)
        .select_related("subject", "object", "source")
        .order_by("subject__name")
    )
    entries = [
        _entry(r.subject, f"{r.get_kind_display()} {r.object.display_name}", _relation_note(notes, r.source, today, r.subject))
        for r in relations
    ]
    if not entries:
        return [], None
    centres = Organisation.objects.filter(slug__in=[e.slug for e in entries])
    footnote = registry_note(notes, centres, today)
    item = count_item("registry.ht_centres", _("Research centres of Human Technopole"), len(entries), "centres", footnote)
    return entries, item


def hub_partners(notes: Footnotes, today: date) -> list[Entry]:
    """Every organisation the registry relates to the Life Sciences Hub, read from the Hub's side."""
    relations = (
        Relation.objects.filter(Q(subject__slug=LIFE_SCIENCES_HUB) | Q(object__slug=LIFE_SCIENCES_HUB))
        .select_related("subject", "object", "source")
        .order_by("kind", "pk")
    )
    entries = []
    for relation in relations:
        outgoing = relation.subject.slug == LIFE_SCIENCES_HUB
        other = relation.object if outgoing else relation.subject
        wording = relation.get_kind_display() if outgoing else RELATION_INVERSE_LABELS[relation.kind]
        hub = relation.subject if outgoing else relation.object
        detail = f"{hub.display_name} {wording} {other.display_name}"
        entries.append(_entry(other, detail, _relation_note(notes, relation.source, today, other)))
    return entries


def clusters(notes: Footnotes, today: date) -> list[Entry]:
    """The clusters in the registry, each with the clusters and bodies it belongs to."""
    entries = []
    for cluster in Organisation.objects.filter(type=OrganisationType.CLUSTER).order_by("name"):
        links = Relation.objects.filter(subject=cluster).select_related("object")
        detail = "; ".join(f"{r.get_kind_display()} {r.object.display_name}" for r in links)
        footnote = registry_note(notes, Organisation.objects.filter(pk=cluster.pk), today)
        entries.append(_entry(cluster, detail, footnote))
    return entries


def regions_with_records() -> set[str]:
    """NUTS 2 regions where at least one organisation of the registry has its seat."""
    return set(Site.objects.filter(is_headquarters=True).exclude(nuts2="").values_list("nuts2", flat=True))
