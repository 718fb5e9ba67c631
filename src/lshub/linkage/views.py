"""The review queue's web pages: staff only, thin adapters over review.py."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from lshub.registry.models import Organisation

from . import review
from .models import ReviewItem, ReviewKind, ReviewStatus

PAGE_SIZE = 25


@require_GET
@staff_member_required
def queue(request):
    """The items waiting for a decision (or those decided, by status), newest first."""
    status = request.GET.get("status", ReviewStatus.OPEN)
    if status not in ReviewStatus.values:
        status = ReviewStatus.OPEN
    kind = request.GET.get("kind", "")
    items = ReviewItem.objects.filter(status=status).select_related("proposed", "resolved", "decided_by")
    if kind in ReviewKind.values:
        items = items.filter(kind=kind)
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "linkage/queue.html",
        {
            "page": page,
            "status": status,
            "kind": kind,
            "statuses": ReviewStatus.choices,
            "kinds": ReviewKind.choices,
            "open_count": ReviewItem.objects.filter(status=ReviewStatus.OPEN).count(),
            "organisation_keys": organisation_keys(),
        },
    )


def organisation_keys(limit: int = 3000) -> list[tuple[str, str]]:
    """Keys and names to pick a 'merge into' target from (the field accepts any key)."""
    return list(Organisation.objects.order_by("slug").values_list("slug", "name")[:limit])


@require_GET
@staff_member_required
def item(request, pk: int):
    found = get_object_or_404(ReviewItem.objects.select_related("proposed", "resolved", "decided_by", "staged"), pk=pk)
    return render(request, "linkage/item.html", {"item": found, "organisation_keys": organisation_keys()})


ACTIONS = ("accept", "reject", "merge", "create")


@require_POST
@staff_member_required
def decide(request, pk: int):
    """Apply one decision; the outcome (or why it was refused) is shown as a message."""
    found = get_object_or_404(ReviewItem, pk=pk)
    action = request.POST.get("action", "")
    back = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        back = ""
    try:
        if action == "accept":
            review.accept(found, request.user)
            messages.success(request, _("Accepted: %(item)s") % {"item": found})
        elif action == "reject":
            review.reject(found, request.user, note=request.POST.get("note", "")[:1000])
            messages.success(request, _("Rejected: %(item)s") % {"item": found})
        elif action == "merge":
            target = _target(request.POST.get("target", ""))
            review.merge_into(found, target, request.user)
            messages.success(request, _("Linked to %(org)s") % {"org": target})
        elif action == "create":
            review.create_new(found, request.user)
            found.refresh_from_db()
            messages.success(request, _("Created %(org)s") % {"org": found.resolved})
        else:
            messages.error(request, _("Unknown action: choose one of %(actions)s") % {"actions": ", ".join(ACTIONS)})
    except review.ReviewError as error:
        messages.error(request, str(error))
    return redirect(back or "linkage:queue")


def _target(key: str) -> Organisation:
    key = key.strip()
    organisation = Organisation.objects.filter(slug=key).first()
    if organisation is None and key.isdigit() and len(key) < 18:
        organisation = Organisation.objects.filter(pk=int(key)).first()
    if organisation is None:
        raise review.ReviewError(_("no organisation with key %(key)r: give the key shown in its address") % {"key": key[:120]})
    return organisation
