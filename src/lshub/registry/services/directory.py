"""The directory: filter, search, facet and page the registry. Web, API and CLI all use it."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from ..choices import OrganisationType, Ownership
from ..models import Organisation, OrganisationSpecialisation, Site, Specialisation
from . import search
from .geo import province_names, provinces

FACETS = ("type", "subtype", "province", "specialisation", "ownership")
MAX_PAGE_SIZE = 200
MAX_QUERY_LENGTH = 500


class InvalidQuery(ValueError):
    """A directory query with a value that cannot be right; the message says which and why."""


@dataclass
class DirectoryQuery:
    q: str = ""
    type: list[str] = field(default_factory=list)
    subtype: list[str] = field(default_factory=list)
    province: list[str] = field(default_factory=list)
    specialisation: list[str] = field(default_factory=list)
    ownership: list[str] = field(default_factory=list)
    page: int = 1
    page_size: int = 20

    def __post_init__(self) -> None:
        # Provinces are sigle ("MI"): written in any case by people, stored upper-case.
        self.province = [p.strip().upper() for p in self.province]

    def validate(self) -> None:
        """Raise InvalidQuery for values that can never match, instead of silently showing nothing."""
        if len(self.q) > MAX_QUERY_LENGTH:
            raise InvalidQuery("q: " + _("the search text is longer than %(n)d characters") % {"n": MAX_QUERY_LENGTH})
        _check_known("type", self.type, set(OrganisationType.values))
        _check_known("ownership", self.ownership, {v for v in Ownership.values if v})
        _check_known("province", self.province, set(provinces()))
        if self.specialisation:
            known = set(Specialisation.objects.filter(code__in=self.specialisation).values_list("code", flat=True))
            _check_known("specialisation", self.specialisation, known)
        if self.page < 1:
            raise InvalidQuery("page: " + _("must be 1 or more"))
        if not 1 <= self.page_size <= MAX_PAGE_SIZE:
            raise InvalidQuery("page_size: " + _("must be between 1 and %(n)d") % {"n": MAX_PAGE_SIZE})

    @property
    def filters(self) -> dict[str, list[str]]:
        return {name: getattr(self, name) for name in FACETS if getattr(self, name)}


def _check_known(name: str, values: list[str], known: set[str]) -> None:
    unknown = [v for v in values if v not in known]
    if unknown:
        raise InvalidQuery(f"{name}: " + _("unknown value %(value)r") % {"value": unknown[0]})


@dataclass
class DirectoryPage:
    query: DirectoryQuery
    organisations: list[Organisation]
    total: int
    page: int
    pages: int
    facets: dict[str, list[tuple[str, str, int]]]  # facet -> [(value, label, count)]


def specialisation_codes_with_descendants(codes: list[str]) -> set[str]:
    """A filter on 'oncology' also finds organisations tagged with its children (haematology…)."""
    wanted, frontier = set(codes), set(codes)
    while frontier:
        frontier = set(Specialisation.objects.filter(parent__code__in=frontier).values_list("code", flat=True)) - wanted
        wanted |= frontier
    return wanted


def _apply_filter(queryset: QuerySet, name: str, values: list[str]) -> QuerySet:
    if name == "province":
        sites = Site.objects.filter(province__in=values)
        return queryset.filter(id__in=sites.values("organisation_id"))
    if name == "specialisation":
        # A subquery rather than a join: no duplicate rows, so no DISTINCT over whole rows,
        # and the result can be grouped directly for the facet counts.
        codes = specialisation_codes_with_descendants(values)
        links = OrganisationSpecialisation.objects.filter(specialisation__code__in=codes)
        return queryset.filter(id__in=links.values("organisation_id"))
    return queryset.filter(**{f"{name}__in": values})


def filtered(query: DirectoryQuery, *, exclude: str | None = None) -> QuerySet:
    """Organisations matching every filter (all but `exclude`) and the search text."""
    queryset = Organisation.objects.all()
    for name, values in query.filters.items():
        if name != exclude:
            queryset = _apply_filter(queryset, name, values)
    if query.q.strip():
        queryset = search.matching(queryset, query.q)
    return queryset


def facet_counts(query: DirectoryQuery) -> dict[str, list[tuple[str, str, int]]]:
    """For each facet, the values present and how many results each would give.

    Each facet is counted with the *other* filters applied, so choosing a second value of
    the same facet (type=irccs, then also hospital) shows what it would add.
    """
    facets = {}
    searching = bool(query.q.strip())
    shared = [name for name in ORGANISATION_COLUMNS if name not in query.filters]
    if shared and (searching or query.filters):
        # Facets without a filter of their own all count the same result set: one pass over
        # it for all those organisation columns, instead of one each (each re-running the
        # search, or scanning a column's index across the whole registry to group by it).
        facets.update(_count_columns(shared, filtered(query)))
    for name in FACETS:
        if name not in facets:
            whole_registry = not searching and not any(n != name for n in query.filters)
            facets[name] = _count(name, None if whole_registry else filtered(query, exclude=name))
    return {name: facets[name] for name in FACETS}


ORGANISATION_COLUMNS = ("type", "subtype", "ownership")


def _count(name: str, queryset: QuerySet | None) -> list[tuple[str, str, int]]:
    """Counts of one facet over `queryset` (None: the whole registry, with no subquery)."""
    if name == "province":
        sites = Site.objects.all() if queryset is None else Site.objects.filter(organisation__in=queryset)
        rows = sites.exclude(province="").values("province").annotate(n=Count("organisation", distinct=True))
        names = province_names()
        counted = [(r["province"], f"{names.get(r['province'], r['province'])} ({r['province']})", r["n"]) for r in rows]
    elif name == "specialisation":
        links = OrganisationSpecialisation.objects.all()
        if queryset is not None:
            links = links.filter(organisation__in=queryset)
        # One link per (organisation, specialisation) by constraint: counting links counts organisations.
        rows = links.values("specialisation_id").annotate(n=Count("id")).order_by()
        labels = Specialisation.objects.in_bulk([r["specialisation_id"] for r in rows])
        counted = [(labels[r["specialisation_id"]].code, labels[r["specialisation_id"]].label, r["n"]) for r in rows]
    else:
        queryset = Organisation.objects.all() if queryset is None else queryset
        return _count_columns([name], queryset)[name]
    return sorted(counted, key=lambda item: (-item[2], item[1]))


def _count_columns(names: list[str], queryset: QuerySet) -> dict[str, list[tuple[str, str, int]]]:
    """Counts of several organisation columns from one GROUP BY over all of them."""
    totals: dict[str, dict[str, int]] = {name: {} for name in names}
    for row in queryset.values(*names).annotate(n=Count("id")).order_by():
        for name in names:
            if row[name]:
                totals[name][row[name]] = totals[name].get(row[name], 0) + row["n"]
    result = {}
    for name in names:
        labels = _labels(name)
        counted = [(value, labels.get(value, value.replace("_", " ")), n) for value, n in totals[name].items()]
        result[name] = sorted(counted, key=lambda item: (-item[2], item[1]))
    return result


def _labels(name: str) -> dict[str, str]:
    choices = {"type": OrganisationType, "ownership": Ownership}.get(name)
    return {value: str(label) for value, label in choices.choices} if choices else {}


def browse(query: DirectoryQuery, *, with_facets: bool = True) -> DirectoryPage:
    """One page of the directory for `query`, best matches first when searching."""
    query.validate()
    unsearched = filtered(DirectoryQuery(**{**query.__dict__, "q": ""}))
    # id after name: two organisations may share a name, and pages must not swap them.
    queryset = search.ranked(unsearched, query.q) if query.q.strip() else unsearched.order_by("name", "id")
    paginator = Paginator(queryset, query.page_size)
    page = paginator.get_page(query.page)
    return DirectoryPage(
        query=query,
        organisations=list(page.object_list),
        total=paginator.count,
        page=page.number,
        pages=paginator.num_pages,
        facets=facet_counts(query) if with_facets else {},
    )


def counts_by(field_name: str) -> list[tuple[str, int]]:
    """Organisations per value of a field, most first (for the home page)."""
    rows = Organisation.objects.values(field_name).annotate(n=Count("id")).order_by("-n", field_name)
    return [(row[field_name], row["n"]) for row in rows]


DEFAULT_REGION = "ITC4"  # Lombardy (NUTS 2)


def irccs_seated_in(region: str = DEFAULT_REGION) -> QuerySet:
    """IRCCS whose seat (headquarters site) is in the NUTS 2 region.

    A branch of an institute seated elsewhere (INRCA's Casatenovo hospital) is in the
    registry but not counted, as the Ministry counts institutes by their seat.
    """
    seats = Site.objects.filter(is_headquarters=True, nuts2=region).values("organisation_id")
    return Organisation.objects.filter(type=OrganisationType.IRCCS, id__in=seats)


def irccs_by_area(region: str = DEFAULT_REGION) -> list[tuple[Specialisation, int]]:
    """IRCCS seated in the region per area of their recognition decree."""
    seated = irccs_seated_in(region).values("id")
    rows = (
        Specialisation.objects.filter(is_irccs_area=True)
        .annotate(
            n=Count(
                "organisation_links__organisation",
                filter=Q(organisation_links__recognised=True, organisation_links__organisation__in=seated),
                distinct=True,
            )
        )
        .order_by("-n", "label_en")
    )
    return [(s, s.n) for s in rows]


def irccs_recognised_for(area_code: str, region: str = DEFAULT_REGION) -> QuerySet:
    """The IRCCS seated in the region that irccs_by_area counts for one area (for citing them)."""
    return (
        irccs_seated_in(region)
        .filter(specialisation_links__specialisation__code=area_code, specialisation_links__recognised=True)
        .distinct()
    )
