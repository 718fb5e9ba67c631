"""Admin for the review queue (with the same decisions as the web page) and merges."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from lshub.registry.models import Organisation

from . import merges, review
from .models import Merge, ReviewItem


def _each(modeladmin, request, queryset, decide, done: str) -> None:
    """Apply a decision to each selected item; report how many worked and why others did not."""
    succeeded = 0
    for item in queryset:
        try:
            decide(item)
            succeeded += 1
        except review.ReviewError as error:
            modeladmin.message_user(request, f"{item}: {error}", messages.ERROR)
    if succeeded:
        modeladmin.message_user(request, ngettext("%(n)d item %(done)s.", "%(n)d items %(done)s.", succeeded) % {"n": succeeded, "done": done})


@admin.action(description=_("Accept the proposed organisation (or the offered value)"))
def accept(modeladmin, request, queryset):
    _each(modeladmin, request, queryset, lambda item: review.accept(item, request.user), str(_("accepted")))


@admin.action(description=_("Reject"))
def reject(modeladmin, request, queryset):
    _each(modeladmin, request, queryset, lambda item: review.reject(item, request.user), str(_("rejected")))


@admin.action(description=_("Create a new organisation from each"))
def create_new(modeladmin, request, queryset):
    _each(modeladmin, request, queryset, lambda item: review.create_new(item, request.user), str(_("created")))


class MergeIntoForm(forms.Form):
    target = forms.ModelChoiceField(
        queryset=Organisation.objects.order_by("name"), label=_("Organisation"), to_field_name="slug"
    )


@admin.action(description=_("Merge into an organisation…"))
def merge_into(modeladmin, request, queryset):
    """Ask for the organisation first, then link every selected candidate to it."""
    if "apply" in request.POST:
        form = MergeIntoForm(request.POST)
        if form.is_valid():
            target = form.cleaned_data["target"]
            _each(modeladmin, request, queryset, lambda item: review.merge_into(item, target, request.user), str(_("merged")))
            return None
    else:
        form = MergeIntoForm()
    return render(
        request,
        "linkage/admin_merge_into.html",
        {**modeladmin.admin_site.each_context(request), "items": queryset, "form": form, "title": _("Merge into an organisation")},
    )


@admin.register(ReviewItem)
class ReviewItemAdmin(admin.ModelAdmin):
    list_display = ("__str__", "kind", "source", "record_id", "proposed", "probability", "status", "decided_by", "created")
    list_filter = ("status", "kind", "source")
    search_fields = ("record_id", "candidate", "proposed__name", "proposed__slug")
    readonly_fields = (
        "kind", "candidate", "source", "record_id", "staged", "proposed", "probability", "reasons",
        "status", "resolved", "decided_by", "decided_at", "created",
    )
    fields = (*readonly_fields, "note")
    actions = [accept, reject, merge_into, create_new]
    list_select_related = ("proposed", "decided_by")

    def has_add_permission(self, request):
        return False  # items come from the resolver and from merges


@admin.action(description=_("Undo the selected merges"))
def undo(modeladmin, request, queryset):
    for record in queryset:
        try:
            merges.undo_merge(record, request.user)
            modeladmin.message_user(request, _("Undone: %(merge)s") % {"merge": record})
        except merges.CannotMerge as error:
            modeladmin.message_user(request, f"{record}: {error}", messages.ERROR)


@admin.register(Merge)
class MergeAdmin(admin.ModelAdmin):
    list_display = ("__str__", "kept", "merged_slug", "user", "created", "undone_at")
    readonly_fields = ("kept", "merged_id", "merged_slug", "merged_name", "journal", "user", "created", "undone_at")
    actions = [undo]

    def has_add_permission(self, request):
        return False
