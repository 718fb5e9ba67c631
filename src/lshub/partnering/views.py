"""Web pages for partnering: state a need and refine it, profiles, shortlists and their exports.

Thin adapters over services/: a refused need or profile is shown with its message and a
400 status, the typed values kept on the page.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lshub.registry.choices import OrganisationType
from lshub.registry.models import Specialisation
from lshub.registry.services import geo

from .models import Cooperation, PartneringProfile, ProfileKind, Shortlist
from .services import profiles, shortlists
from .services.match import WEIGHTS, InvalidNeed, MatchRequest, match

EXAMPLES = [
    "A research hospital for a phase I oncology trial in Milan",
    "Produzione conto terzi di iniettabili sterili",
    "A genomics partner for a Horizon Europe proposal",
]


def _request_from(data) -> MatchRequest:
    limit = data.get("limit", "20")
    return MatchRequest(
        text=data.get("q", ""),
        types=data.getlist("type"),
        areas=data.getlist("area"),
        provinces=data.getlist("province"),
        limit=int(limit) if limit.isdigit() and len(limit) < 4 else 20,
    )


def search(request):
    """The need in words, refined with facets; ranked partners with reasons and score breakdown."""
    need = _request_from(request.GET)
    context = {"need": need, "examples": EXAMPLES, "weights": WEIGHTS, "parts": list(WEIGHTS)}
    status = 200
    if need.text.strip() or need.areas:
        try:
            context["result"] = match(need)
        except InvalidNeed as error:
            context["problem"] = str(error)
            status = 400
    context["facets"] = _facets(context.get("result"), need)
    template = "partnering/_results.html" if request.htmx else "partnering/search.html"
    return render(request, template, context, status=status)


def _facets(result, need: MatchRequest) -> list[dict]:
    """Facet groups for the page: counts from the result, chosen values always shown."""
    counted = result.facets if result else {}
    type_labels = dict(OrganisationType.choices)
    groups = []
    for name, title, chosen, label in (
        ("type", _("Partner type"), need.types, lambda v: str(type_labels.get(v, v))),
        ("province", _("Province"), need.provinces, lambda v: v),
        ("area", _("Area"), need.areas, lambda v: v),
    ):
        options = {value: (text, count) for value, text, count in counted.get(name, [])}
        if name == "area":
            missing = Specialisation.objects.filter(code__in=[c for c in chosen if c not in options])
            options.update({s.code: (s.label, None) for s in missing})
        else:
            options.update({v: (label(v), None) for v in chosen if v not in options})
        groups.append(
            {"name": name, "title": title, "options": [{"value": v, "label": t, "count": n, "chosen": v in chosen} for v, (t, n) in options.items()]}
        )
    return groups


# -- profiles ---------------------------------------------------------------------------------


def profile_list(request):
    q, kind, cooperation = request.GET.get("q", ""), request.GET.get("kind", ""), request.GET.get("cooperation", "")
    context = {"q": q, "kind": kind, "cooperation": cooperation, "kinds": ProfileKind.choices, "cooperations": Cooperation.choices}
    try:
        context["profiles"] = profiles.search(q, kind=kind, cooperation=cooperation)
        status = 200
    except InvalidNeed as error:
        context["problem"], context["profiles"], status = str(error), [], 400
    return render(request, "partnering/profiles.html", context, status=status)


PROFILE_FORM_LISTS = ("partner_types", "areas")


@login_required
def profile_new(request):
    values = {"kind": "request", "cooperation": "research", "owner": request.user.get_full_name() or request.user.get_username()}
    status = 200
    problem = ""
    if request.method == "POST":
        values = {name: request.POST.get(name, "") for name in profiles.FIELDS if name not in PROFILE_FORM_LISTS}
        values.update({name: request.POST.getlist(name) for name in PROFILE_FORM_LISTS})
        values["capabilities"] = [c for c in request.POST.get("capabilities", "").splitlines() if c.strip()]
        try:
            profile = profiles.save(values, user=request.user)
        except InvalidNeed as error:
            problem, status = str(error), 400
        else:
            messages.success(request, _("Profile saved."))
            return redirect(profile)
    context = {
        "values": values,
        "problem": problem,
        "kinds": ProfileKind.choices,
        "cooperations": Cooperation.choices,
        "types": OrganisationType.choices,
        "areas": Specialisation.objects.filter(kind__in=["therapeutic_area", "technology", "value_chain"]).order_by("kind", "label_en"),
        "provinces": sorted(p for p, region in geo.provinces().items()),
    }
    return render(request, "partnering/profile_form.html", context, status=status)


def profile_detail(request, pk: int):
    profile = get_object_or_404(PartneringProfile.objects.prefetch_related("areas"), pk=pk)
    need = profiles.request_for(profile)
    try:
        result = match(need)
    except InvalidNeed as error:
        result, problem = None, str(error)
    else:
        problem = ""
    context = {
        "profile": profile,
        "need": need,
        "result": result,
        "problem": problem,
        "others": profiles.matching_profiles(profile),
        "parts": list(WEIGHTS),
        "weights": WEIGHTS,
    }
    return render(request, "partnering/profile.html", context)


# -- shortlists -------------------------------------------------------------------------------


@require_POST
@login_required
def shortlist_new(request):
    need = _request_from(request.POST)
    profile = PartneringProfile.objects.filter(pk=request.POST.get("profile") or 0).first() if (request.POST.get("profile") or "").isdigit() else None
    try:
        shortlist = shortlists.save(request.POST.get("title", ""), need, request.POST.getlist("chosen"), user=request.user, profile=profile)
    except InvalidNeed as error:
        return render(request, "partnering/problem.html", {"problem": str(error)}, status=400)
    messages.success(request, _("Shortlist saved."))
    return redirect(shortlist)


def shortlist_detail(request, key: str):
    shortlist = get_object_or_404(Shortlist, key=key)
    return render(request, "partnering/shortlist.html", {"shortlist": shortlist, "rows": shortlists.rows(shortlist), "formats": shortlists.EXPORT_FORMATS})


def shortlist_export(request, key: str, fmt: str):
    shortlist = get_object_or_404(Shortlist, key=key)
    if fmt not in shortlists.EXPORT_FORMATS:
        raise Http404(_("unknown export format"))
    content, mime = shortlists.export(shortlist, fmt)
    response = HttpResponse(content, content_type=mime)
    response["Content-Disposition"] = f'attachment; filename="{shortlists.filename(shortlist, fmt)}"'
    return response
