"""/api/taxonomy and /api/stats: the vocabulary of specialisations and the registry's headline counts."""

from __future__ import annotations

from ninja import Query, Router

from lshub.registry.choices import OrganisationType, Ownership
from lshub.registry.models import Specialisation
from lshub.registry.services import directory, profile

from ..common import reject_unknown_parameters
from ..schemas import Error, Specialisation as SpecialisationOut
from ..schemas import Stats

router = Router(tags=["reference"])

NUTS2 = r"^[A-Z]{2}[A-Z0-9]{2}$"


@router.get("/taxonomy", response={200: list[SpecialisationOut], 400: Error}, summary="Specialisations")
def taxonomy(request):
    """Therapeutic areas, technologies, value-chain segments and missions, each value-chain
    segment with the ATECO/NACE codes it covers and their Italian titles."""
    reject_unknown_parameters(request, set())
    return [profile.specialisation(s) for s in Specialisation.objects.select_related("parent")]


@router.get("/stats", response={200: Stats, 400: Error, 422: Error}, summary="Headline counts")
def stats(request, region: str = Query(directory.DEFAULT_REGION, pattern=NUTS2, description="NUTS 2 code")):
    """Organisations by type and ownership; IRCCS seated in the region, in all and by area."""
    reject_unknown_parameters(request, {"region"})
    seated = list(directory.irccs_seated_in(region).order_by("name"))
    type_counts = directory.counts_by("type")
    return {
        "organisations": sum(n for _value, n in type_counts),  # every organisation has a type
        "by_type": _labelled(type_counts, OrganisationType),
        "by_ownership": _labelled(directory.counts_by("ownership"), Ownership),
        "irccs": {
            "region": region,
            "seated": len(seated),
            "organisations": [{"id": o.pk, "slug": o.slug, "name": o.display_name} for o in seated],
            "by_area": [{"code": s.code, "label": s.label, "count": n} for s, n in directory.irccs_by_area(region)],
        },
    }


def _labelled(counts: list[tuple[str, int]], choices) -> list[dict]:
    labels = dict(choices.choices)
    return [{"value": value, "label": str(labels.get(value, value)), "count": n} for value, n in counts]
