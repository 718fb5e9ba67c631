"""Display labels and colours the web pages need beyond the registry's own choices.

Subtypes are an open vocabulary in the data (a new one may appear with an import), so a
subtype missing here is shown as its code with spaces: nothing is hidden.
"""

from django.utils.translation import gettext_lazy as _

from lshub.registry.choices import OrganisationType, Ownership

SUBTYPE_LABELS = {
    "api": _("active pharmaceutical ingredients"),
    "asst": _("local health and social-care trust (ASST)"),
    "ats": _("health protection agency (ATS)"),
    "banking_foundation": _("banking foundation"),
    "biopharma": _("biopharma"),
    "biotech": _("biotech"),
    "cancer_research_charity": _("cancer research charity"),
    "cancer_research_institute": _("cancer research institute"),
    "cdmo": _("contract development and manufacturing (CDMO)"),
    "chamber_of_commerce": _("chamber of commerce"),
    "city_promotion_agency": _("city promotion agency"),
    "diagnostics": _("diagnostics"),
    "employers_association": _("employers' association"),
    "fdi_attraction_programme": _("foreign investment attraction programme"),
    "gene_therapy_institute": _("gene therapy institute"),
    "genetics_research_foundation": _("genetics research foundation"),
    "hadrontherapy_centre": _("hadron therapy centre"),
    "healthcare_providers_association": _("healthcare providers' association"),
    "hospital_research_campus_project": _("hospital and research campus project"),
    "incubator": _("incubator"),
    "industry_association": _("industry association"),
    "innovation_district": _("innovation district"),
    "interassociative_programme": _("inter-associative programme"),
    "investor_network": _("investor network"),
    "irccs_research_network": _("IRCCS research network"),
    "life_science_tools": _("life-science tools"),
    "medical_gases_homecare": _("medical gases and home care"),
    "medtech": _("medical technology"),
    "medtech_contract_manufacturing": _("medtech contract manufacturing"),
    "national_life_sciences_institute": _("national life-sciences institute"),
    "national_technology_cluster": _("national technology cluster"),
    "paediatric_care_foundation": _("paediatric care foundation"),
    "paediatric_research_foundation": _("paediatric research foundation"),
    "pharma": _("pharmaceuticals"),
    "pharma_generics": _("generic pharmaceuticals"),
    "pharma_technology": _("pharmaceutical technology"),
    "philanthropic_foundation": _("philanthropic foundation"),
    "private_hospital_group": _("private hospital group"),
    "private_irccs": _("private IRCCS"),
    "private_university": _("private university"),
    "public_development_company": _("public development company"),
    "public_irccs": _("public IRCCS"),
    "public_research_institute": _("public research institute"),
    "public_university": _("public university"),
    "regional_clinical_network": _("regional clinical network"),
    "regional_cluster": _("regional cluster"),
    "regional_employers_association": _("regional employers' association"),
    "regional_finance_company": _("regional finance company"),
    "regional_government": _("regional government"),
    "regional_public_foundation": _("regional public foundation"),
    "regional_research_institute": _("regional research institute"),
    "research_centre_unit": _("research centre unit"),
    "research_foundation": _("research foundation"),
    "science_park": _("science park"),
    "university_research_centre": _("university research centre"),
    "venture_accelerator": _("venture accelerator"),
}


def subtype_label(code: str) -> str:
    return str(SUBTYPE_LABELS.get(code, code.replace("_", " ")))


def type_label(code: str) -> str:
    try:
        return str(OrganisationType(code).label)
    except ValueError:
        return code.replace("_", " ")


def ownership_label(code: str) -> str:
    try:
        return str(Ownership(code).label)
    except ValueError:
        return code


# Map colours per organisation type, told apart also by people with colour-vision deficiency
# (Okabe–Ito palette, extended with darker tones).
TYPE_COLOURS = {
    OrganisationType.IRCCS: "#d55e00",
    OrganisationType.HOSPITAL: "#e69f00",
    OrganisationType.HEALTH_AUTHORITY: "#8c6d1f",
    OrganisationType.UNIVERSITY: "#0072b2",
    OrganisationType.RESEARCH_CENTRE: "#56b4e9",
    OrganisationType.COMPANY: "#009e73",
    OrganisationType.CLUSTER: "#cc79a7",
    OrganisationType.ASSOCIATION: "#882255",
    OrganisationType.FOUNDATION: "#6a3d9a",
    OrganisationType.PUBLIC_BODY: "#4d4d4d",
}
