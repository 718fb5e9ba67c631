from django.contrib import admin

from .models import PartneringProfile, Shortlist, ShortlistEntry


@admin.register(PartneringProfile)
class PartneringProfileAdmin(admin.ModelAdmin):
    list_display = ("title", "kind", "cooperation", "owner", "deadline", "created")
    list_filter = ("kind", "cooperation")
    search_fields = ("title", "text", "owner")
    filter_horizontal = ("areas",)
    raw_id_fields = ("organisation",)


class ShortlistEntryInline(admin.TabularInline):
    model = ShortlistEntry
    extra = 0
    raw_id_fields = ("organisation",)
    fields = ("position", "organisation", "score", "note")


@admin.register(Shortlist)
class ShortlistAdmin(admin.ModelAdmin):
    list_display = ("title", "owner", "created")
    search_fields = ("title", "need")
    inlines = [ShortlistEntryInline]
