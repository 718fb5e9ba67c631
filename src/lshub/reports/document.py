"""The fact sheet as plain data: sections of numbers, tables, charts and named organisations.

build.py fills it from the observatory and the registry; the renderers (HTML, PDF, JSON)
only read it, so the three outputs can never disagree about a number or its source.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

# Statuses that mean "no confirmed number": shown as a gap, never as a value.
GAP_STATUSES = {"gap", "seed", "confidential"}
COMPUTED = "computed"  # a number the registry computes (counts of organisation records)


@dataclass
class RecordSource:
    """One registry record behind a computed number, with where its facts come from."""

    slug: str
    name: str
    urls: list[str]


@dataclass
class Footnote:
    """Where a number comes from: publisher, URL, retrieval date, status and the source's note."""

    number: int
    publisher: str
    url: str
    retrieved: date | None
    status: str
    status_label: str = ""
    note: str = ""
    records: list[RecordSource] = field(default_factory=list)

    @property
    def is_link(self) -> bool:
        return self.url.startswith(("http://", "https://", "/"))


@dataclass
class Item:
    """One number of the sheet: an observatory figure or a count computed from the registry."""

    key: str
    label: str
    value: Decimal | None
    unit: str
    period: int | None
    status: str
    footnote: int
    display: str  # the value written for the reader, or the gap wording
    status_label: str = ""
    geo: str = ""
    geo_name: str = ""
    qualifier: str = ""  # "at_least", "about", "at_most": the source's own wording
    share_of_national: Decimal | None = None
    share_display: str = ""
    change: Decimal | None = None  # % against previous_period
    previous_period: int | None = None
    change_display: str = ""
    # What the 2021 briefing stated where no public source confirms it: shown in the note, not as a value.
    unconfirmed_value: Decimal | None = None
    # Counts and amounts only: the value per inhabitant and the population figure it was divided by.
    per_inhabitant: Decimal | None = None
    per_inhabitant_unit: str = ""
    per_inhabitant_display: str = ""
    population_period: int | None = None
    population_footnote: int | None = None

    @property
    def is_gap(self) -> bool:
        return self.value is None


@dataclass
class Table:
    """Numbers that belong together, shown as rows (e.g. IRCCS per area)."""

    key: str
    title: str
    items: list[Item]
    caption: str = ""


@dataclass
class Chart:
    """A static SVG, drawn from the sheet's own items so it shows the same numbers."""

    key: str
    title: str
    svg: str
    caption: str
    footnotes: list[int] = field(default_factory=list)


@dataclass
class Entry:
    """A named organisation (a Human Technopole centre, a Hub partner, a cluster)."""

    slug: str
    name: str
    detail: str
    url: str  # its page in the registry
    website: str
    footnote: int


@dataclass
class Section:
    key: str
    title: str
    intro: str = ""
    items: list[Item] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    entries: list[Entry] = field(default_factory=list)
    entries_title: str = ""
    points: list[str] = field(default_factory=list)  # short statements without numbers (missions)


@dataclass
class FactSheet:
    region: str
    region_name: str
    lang: str
    year: int | None  # the year asked for; None = the latest figure of each series
    generated_on: date
    title: str
    subtitle: str
    sections: list[Section]
    footnotes: list[Footnote]
    # Years with at least one figure in the series the sheet read, oldest first: the choices
    # a reader may pick next, without reading every series again.
    years: list[int] = field(default_factory=list)

    def items(self):
        """Every number with its section key, in reading order."""
        for section in self.sections:
            for item in section.items:
                yield section, item
            for table in section.tables:
                for item in table.items:
                    yield section, item

    def footnote(self, number: int) -> Footnote:
        return self.footnotes[number - 1]
