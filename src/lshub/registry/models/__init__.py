from .organisations import Alias, Identifier, Organisation, Site
from .provenance import OrganisationSource, Source
from .relations import Relation
from .search import SearchEntry
from .taxonomy import OrganisationSpecialisation, Specialisation

__all__ = [
    "Alias",
    "Identifier",
    "Organisation",
    "OrganisationSource",
    "OrganisationSpecialisation",
    "Relation",
    "SearchEntry",
    "Site",
    "Source",
    "Specialisation",
]
