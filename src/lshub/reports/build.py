"""Data -> document: the fact sheet of a region, every number with its footnote.

    build_factsheet("ITC4", "it", 2021) -> FactSheet

Observatory figures come from lshub.observatory.services.figures; counts and lists of
organisations from the registry (registry_facts.py). With a year, each series shows its
latest confirmed figure at or before that year. A figure nobody confirmed is a gap, never a number.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from lshub.observatory.services import figures
from lshub.observatory.services.errors import UnknownGeography
from lshub.observatory.services.geographies import geography

from . import charts, registry_facts
from .document import GAP_STATUSES, FactSheet, Item, Section, Table
from .footnotes import Footnotes
from .numbers import QUALIFIERS, gap_wording, number, percent, quantity, signed_percent, status_label
from .outline import DENOMINATORS, HUB_MISSIONS, NATIONAL, SECTIONS, Line, SectionSpec

IRCCS_NATIONAL = "irccs_count"  # for geography IT: the national total


def _is_confirmed(found: figures.Figure) -> bool:
    return found.value is not None and found.status not in GAP_STATUSES


def _latest(found):
    """The most recent figure; an undated one only when no dated figure qualifies."""
    return max(found, key=lambda f: (f.period is not None, f.period or 0), default=None)


def _later(found: figures.Figure, than: figures.Figure | None) -> bool:
    return than is None or (found.period or 0) > (than.period or 0)


class FactsheetError(ValueError):
    """A fact sheet that cannot be made as asked (unknown region, language, or a year without data)."""


def build_factsheet(region: str = "ITC4", lang: str = "en", year: int | None = None) -> FactSheet:
    region = (region or "").strip().upper()
    _check_language(lang)
    _check_region(region)
    with translation.override(lang):  # figure labels come in the sheet's language
        histories = _histories(region)
    _check_year(region, year, histories)  # errors speak the reader's language, the sheet its own
    with translation.override(lang):
        return _Builder(region, lang, year, histories).build()


def _check_language(lang: str) -> None:
    known = [code for code, _name in settings.LANGUAGES]
    if lang not in known:
        raise FactsheetError(_("unknown language %(lang)r: choose one of %(known)s") % {"lang": lang, "known": ", ".join(known)})


def _check_region(region: str) -> None:
    """The region must be a geography the observatory knows and the registry maps.

    A region without organisation records would get counts of zero that mean "not mapped",
    not "none there", so it is refused rather than shown wrong.
    """
    try:
        place = geography(region)
    except UnknownGeography:
        raise FactsheetError(
            _("unknown region %(region)r: give a NUTS 2 code (fact sheets exist for: %(covered)s)")
            % {"region": region, "covered": _covered()}
        ) from None
    if place.code not in registry_facts.regions_with_records():
        raise FactsheetError(
            _(
                "no fact sheet for %(region)s (%(name)s): the registry has no organisation seated there "
                "(fact sheets exist for: %(covered)s)"
            )
            % {"region": place.code, "name": place.name, "covered": _covered()}
        )


def _covered() -> str:
    """The regions with a fact sheet, for an error message."""
    return ", ".join(available_regions()) or "none"


def available_regions() -> list[str]:
    """Regions a fact sheet can be made for: those with organisations seated in the registry."""
    return sorted(registry_facts.regions_with_records())


Histories = dict[tuple[str, str], list | None]  # (indicator, geo) -> its series; None = not defined


def _lines() -> list[Line]:
    return [*DENOMINATORS, *(line for spec in SECTIONS for line in spec.lines), Line(IRCCS_NATIONAL, NATIONAL)]


def _histories(region: str) -> Histories:
    """Every series the sheet shows, read once, for both the year check and the sheet: one
    read of observations per place (the region, Italy)."""
    wanted: dict[str, list[str]] = {}  # place -> indicators, in the order of the lines
    for line in _lines():
        ids = wanted.setdefault(line.geo or region, [])
        if line.indicator not in ids:
            ids.append(line.indicator)
    defined = figures.indicators_by_id(i for ids in wanted.values() for i in ids)
    histories: Histories = {}
    for where, ids in wanted.items():
        found = figures.series_for(geography(where), [defined[i] for i in ids if i in defined])
        # An indicator the observatory does not define has no series (None): shown as a gap.
        histories.update({(i, where): found.get(i) for i in ids})
    return histories


def _years(histories: Histories) -> list[int]:
    return sorted({f.period for found in histories.values() for f in found or [] if f.period and f.value is not None})


def available_years(region: str) -> list[int]:
    """The years with at least one figure for the region, oldest first (none for a region without a sheet)."""
    if region not in available_regions():
        return []
    return _years(_histories(region))


def _check_year(region: str, year: int | None, histories: Histories) -> None:
    if year is None:
        return
    years = _years(histories)
    if not years:
        raise FactsheetError(_("the observatory has no dated figures for %(region)s") % {"region": region})
    if year < years[0]:
        raise FactsheetError(
            _("no data for %(region)s at or before %(year)d: the figures start in %(first)d")
            % {"region": region, "year": year, "first": years[0]}
        )
    if year > years[-1]:
        raise FactsheetError(
            _("no data for %(region)s in %(year)d: the latest figures are for %(last)d")
            % {"region": region, "year": year, "last": years[-1]}
        )


def region_name(region: str) -> str:
    """The region's name in the active language."""
    return geography(region).name


class _Builder:
    def __init__(self, region: str, lang: str, year: int | None, histories: Histories) -> None:
        self.region, self.lang, self.year, self.histories = region, lang, year, histories
        self.notes = Footnotes()
        self.today = timezone.localdate()

    def build(self) -> FactSheet:
        # The population first: its notes come first, as the overview that shows it does.
        denominators = self._denominators()
        sections = [self._section(spec) for spec in SECTIONS]
        overview = self._overview(sections, denominators)
        name = region_name(self.region)
        return FactSheet(
            region=self.region,
            region_name=name,
            lang=self.lang,
            year=self.year,
            generated_on=self.today,
            title=_("Life sciences in %(region)s") % {"region": name},
            subtitle=self._subtitle(),
            sections=[overview, *sections],
            footnotes=self.notes.notes,
            years=_years(self.histories),
        )

    def _subtitle(self) -> str:
        if self.year is None:
            when = _("latest figures")
        else:
            when = _("figures up to %(year)d") % {"year": self.year}
        return _("Fact sheet, %(when)s, generated on %(date)s") % {"when": when, "date": self.today.isoformat()}

    # observatory figures

    def _denominators(self) -> list[Item]:
        """The region's population, then Italy's of the same year where it is known, so the
        two read side by side (the latest national figure may be years newer)."""
        region_line, *national_lines = DENOMINATORS
        region_items = self._items(region_line)
        years = [item.period for item in region_items if item.value is not None and item.period]
        same_year = max(years) if years and self.year is None else self.year
        national = [item for line in national_lines for item in self._items(line, same_year)]
        return [*region_items, *national]

    def _items(self, line: Line, year: int | None = None) -> list[Item]:
        """The latest confirmed figure at or before the year, and a later unconfirmed one as a gap.

        The 2021 briefing's numbers that no public source confirms are observations without a
        confirmed value (status gap or seed): when one is more recent than the confirmed figure,
        it is shown as a gap next to it, so the reader sees both what is known and what is not.
        """
        where = line.geo or self.region
        history = self.histories[(line.indicator, where)]
        if history is None:
            return [self._undefined(line.indicator, where)]
        year = year if year is not None else self.year
        in_range = [f for f in history if year is None or f.period is None or f.period <= year]
        confirmed = _latest(f for f in in_range if _is_confirmed(f))
        unconfirmed = _latest(f for f in in_range if not _is_confirmed(f) and _later(f, confirmed))
        shown = [f for f in (confirmed, unconfirmed) if f is not None]
        if not shown:  # nothing recorded: the observatory's gap figure, with the indicator's default source
            shown = [figures.figure(line.indicator, where, year)]
        return [self._item(found, where, history, line) for found in shown]

    def _item(self, found: figures.Figure, where: str, history: list, line: Line) -> Item:
        confirmed = _is_confirmed(found)
        value = found.value if confirmed else None
        # A value-less figure is a gap whatever its label says; seed and confidential keep theirs.
        status = found.status if confirmed or found.status in GAP_STATUSES else "gap"
        footnote = self.notes.add(
            publisher=found.source_publisher,
            url=found.source_url,
            retrieved=found.retrieved,
            status=status,
            note=found.note,
        )
        share = found.share_of_national if confirmed else None
        previous = _latest(f for f in history if _is_confirmed(f) and f.period and found.period and f.period < found.period)
        # Change against the last confirmed figure: a briefing's unconfirmed number is no baseline.
        change = figures.relative_change(value, previous.value) if confirmed and previous else None
        return Item(
            key=found.indicator,
            label=str(line.label) if line.label else found.label,
            value=value,
            unit=found.unit,
            period=found.period,
            status=status,
            footnote=footnote,
            display=quantity(value, found.unit, found.qualifier) if confirmed else gap_wording(status),
            status_label=status_label(status),
            geo=where,
            geo_name=found.geo_name,
            qualifier=found.qualifier if confirmed else "",
            share_of_national=share,
            share_display=percent(share) if share is not None else "",
            change=change,
            previous_period=previous.period if change is not None else None,
            change_display=self._change(change, previous.period if previous else None),
            unconfirmed_value=found.value if not confirmed else None,
            **(self._per_inhabitant(found) if confirmed else {}),
        )

    def _per_inhabitant(self, found: figures.Figure) -> dict:
        """The value per inhabitant with the population figure it was divided by, and that figure's note."""
        population = found.denominator
        if found.per_inhabitant is None or population is None:
            return {}
        footnote = self.notes.add(
            publisher=population.source_publisher,
            url=population.source_url,
            retrieved=population.retrieved,
            status=population.status,
            note=population.note,
        )
        unit = found.per_inhabitant_unit
        value = number(found.per_inhabitant)
        if found.qualifier in QUALIFIERS:  # "at least 100 companies" is at least 1.0 per 100,000 inhabitants
            value = QUALIFIERS[found.qualifier] % {"value": value}
        shown = _("%(value)s %(unit)s (population on 1 January %(year)s [%(note)s])") % {
            "value": value,
            "unit": unit,
            "year": population.period,
            "note": footnote,
        }
        return {
            "per_inhabitant": found.per_inhabitant,
            "per_inhabitant_unit": found.per_inhabitant_unit,
            "per_inhabitant_display": shown,
            "population_period": population.period,
            "population_footnote": footnote,
        }

    @staticmethod
    def _change(change, previous_period) -> str:
        if change is None:
            return ""
        return _("%(change)s on %(year)s") % {"change": signed_percent(change), "year": previous_period}

    def _undefined(self, indicator: str, where: str) -> Item:
        """An indicator the observatory does not define yet: a visible gap that names it."""
        footnote = self.notes.add(
            publisher=_("lshub observatory"),
            url="",
            retrieved=None,
            status="gap",
            note=_("the indicator %(id)s is not defined in the observatory") % {"id": indicator},
        )
        return Item(
            key=indicator,
            label=indicator.replace("_", " ").capitalize(),
            value=None,
            unit="",
            period=None,
            status="gap",
            footnote=footnote,
            display=gap_wording("gap"),
            status_label=status_label("gap"),
            geo=where,
        )

    # sections

    def _section(self, spec: SectionSpec) -> Section:
        section = Section(key=spec.key, title=str(spec.title), intro=str(spec.intro))
        section.items = [item for line in spec.lines for item in self._items(line)]
        extend = getattr(self, f"_extend_{spec.key}", None)
        if extend:
            extend(section)
        return section

    def _extend_healthcare_system(self, section: Section) -> None:
        national = self._items(Line(IRCCS_NATIONAL, NATIONAL, _("Research hospitals (IRCCS) recognised in Italy")))
        seated = registry_facts.irccs_count(self.notes, self.region, self.today, national[0].value)
        section.items += [seated, *national]
        by_area = registry_facts.irccs_by_area(self.notes, self.region, self.today)
        caption = _(
            "IRCCS seated in the region per area of their recognition decree; an institute "
            "recognised for several areas counts in each, and areas outside this grouping are not shown."
        )
        section.tables.append(Table("irccs_by_area", _("IRCCS by area of specialisation"), by_area, caption))
        if by_area:
            section.charts.append(charts.irccs_by_area_chart(by_area, _("IRCCS by area of specialisation"), caption))

    def _extend_human_technopole(self, section: Section) -> None:
        entries, count = registry_facts.human_technopole_centres(self.notes, self.today)
        if count:
            section.items.insert(0, count)
        section.entries = entries
        section.entries_title = _("Research centres")

    def _extend_hub(self, section: Section) -> None:
        section.points = [str(mission) for mission in HUB_MISSIONS]
        section.entries = registry_facts.hub_partners(self.notes, self.today)
        section.entries_title = _("Partners recorded in the registry")

    def _extend_clusters(self, section: Section) -> None:
        section.entries = registry_facts.clusters(self.notes, self.today)
        section.entries_title = _("Clusters recorded in the registry")

    def _overview(self, sections: list[Section], denominators: list[Item]) -> Section:
        """The population of the region and of Italy, and the region's share of the national total."""
        shared = [item for s in sections for item in s.items if item.share_of_national is not None]
        shared += [item for item in denominators if item.share_of_national is not None]
        overview = Section(
            key="overview",
            title=_("Share of the national total"),
            intro=_(
                "The population of the region and of Italy, the denominators of every figure per inhabitant. "
                "Each bar is the region's share of the Italian total for one figure; the number in brackets is its source note."
            ),
            items=denominators,
        )
        if shared:
            overview.charts.append(charts.share_chart(shared, _("The region's share of Italy, by figure")))
        return overview
