"""What the fact sheet shows: its sections, in the order of the 2021 briefing, and their indicators.

Each section lists observatory indicator ids. A figure the observatory has no value for is
still listed: it shows as a data gap. Sections about the healthcare system, Human Technopole,
the Hub and the clusters also carry numbers and lists computed from the registry (build.py).
Fixed prose carries no numbers: every number comes from data and has a footnote.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

NATIONAL = "IT"


@dataclass(frozen=True)
class Line:
    """An indicator shown in a section; `geo` is fixed for national reference figures."""

    indicator: str
    geo: str | None = None  # None: the region of the sheet
    label: object = None  # None: the indicator's own label


@dataclass(frozen=True)
class SectionSpec:
    key: str
    title: object
    intro: object = ""
    lines: tuple[Line, ...] = field(default_factory=tuple)


def _lines(*ids: str) -> tuple[Line, ...]:
    return tuple(Line(i) for i in ids)


SECTIONS: tuple[SectionSpec, ...] = (
    SectionSpec(
        "healthcare",
        _("The healthcare sector"),
        _(
            "The life-sciences value chain, from the pharmaceutical and medical-device industry "
            "to healthcare services, measured by employment, value added and production."
        ),
        _lines(
            "filiera_employees",
            "filiera_value_added",
            "filiera_value_added_incl_induced",
            "filiera_va_gdp_share",
            "filiera_production",
        )
        + (Line("filiera_employees", NATIONAL),),
    ),
    SectionSpec(
        "companies",
        _("Companies"),
        _("Companies of the life-sciences industry active in the region and what they produce."),
        _lines("pharma_medtech_companies", "ls_industry_production", "seed_pharma_sector_value"),
    ),
    SectionSpec(
        "education",
        _("Education"),
        _("Universities and the students of the regional university network."),
        _lines("university_students", "universities_with_medical_faculties"),
    ),
    SectionSpec(
        "research",
        _("Research"),
        _("Researchers, research centres and clinical research carried out in the region."),
        _lines(
            "researchers",
            "research_centres",
            "clinical_trials_share",
            "pharma_clinical_trials_investment",
            "clinical_studies_evaluated",
        ),
    ),
    SectionSpec(
        "pharma",
        _("Pharmaceutical industry"),
        _("Pharmaceutical, biotech and contract-manufacturing companies: employees, research, production and exports."),
        _lines(
            "pharma_companies",
            "pharma_production_companies",
            "pharma_employees",
            "pharma_employees_induced",
            "pharma_employees_direct_induced",
            "pharma_rd_investment",
            "pharma_rd_staff",
            "pharma_production",
            "pharma_value_added",
            "pharma_va_per_inhabitant",
            "pharma_exports",
            "biotech_companies",
            "biotech_company_share",
            "biotech_turnover_share",
            "biotech_production_plants",
            "biotech_research_centres",
            "cdmo_turnover",
        )
        + (Line("cdmo_turnover", NATIONAL), Line("cdmo_production", NATIONAL), Line("cdmo_employees", NATIONAL)),
    ),
    SectionSpec(
        "medtech",
        _("Medical devices industry"),
        _("Companies producing and distributing medical devices, their employees, research and exports."),
        _lines(
            "medtech_companies",
            "medtech_employees",
            "medtech_rd_investment",
            "medtech_production",
            "medtech_turnover_share",
            "medtech_exports",
        ),
    ),
    SectionSpec(
        "healthcare_system",
        _("The Regional Healthcare System"),
        _(
            "A network of public and private health facilities, with the research hospitals "
            "recognised by the Ministry of Health (IRCCS), each in its areas of specialisation."
        ),
        _lines(
            "ssr_facilities",
            "ssr_beds",
            "ssr_large_hospitals",
            "ssr_emergency_centres",
            "expat_medical_centres",
            "healthcare_facilities",
            "hospitals",
            "hospital_beds_per_100k",
            "ats_count",
            "asst_count",
        ),
    ),
    SectionSpec(
        "human_technopole",
        _("Human Technopole"),
        _(
            "Located in the Milano Innovation District (MIND), Human Technopole is a large, "
            "government-funded research infrastructure working on new approaches to "
            "personalised and preventive medicine."
        ),
        _lines("ht_staff", "ht_scientists_target"),
    ),
    SectionSpec(
        "assolombarda",
        _("Life sciences in Assolombarda"),
        _(
            "Assolombarda, the business association of the Milan, Monza and Brianza, Lodi and "
            "Pavia areas, and the life-sciences companies it represents."
        ),
        _lines(
            "assolombarda_members",
            "assolombarda_members_employees",
            "assolombarda_ls_members",
            "assolombarda_ls_members_employees",
        ),
    ),
    SectionSpec(
        "hub",
        _("The Life Sciences Hub and its partners"),
        _(
            "The Life Sciences Hub brings together companies, associations, public institutions "
            "and scientific bodies around two missions."
        ),
    ),
    SectionSpec(
        "clusters",
        _("The link with the clusters"),
        _(
            "The Lombardy Life Sciences Cluster, set up at the prompting of Regione Lombardia, is a "
            "public-private organisation that brings together universities, research hospitals and "
            "companies. The national cluster ALISEI represents the sector's industrial associations "
            "and supports national industrial policy for the life sciences."
        ),
        _lines("cluster_members"),
    ),
)

# The population of the region and of Italy: the denominators of every per-inhabitant figure,
# shown in the overview with their sources.
DENOMINATORS: tuple[Line, ...] = (Line("population"), Line("population", NATIONAL))

HUB_MISSIONS = (
    _(
        "Internationalisation: make the life-sciences system and the regional healthcare system "
        "international benchmarks, connected with partners abroad."
    ),
    _(
        "Competences: develop managerial and professional profiles and help new professionals "
        "find their place in companies."
    ),
)
