"""Admin for loaded trials (read-mostly: they are rewritten by each `lshub ingest ctgov`).

Staged records get their admin with the review queue, where linkage decides on them.
"""

from django.contrib import admin

from .models import Trial, TrialSite, TrialSponsor


class TrialSiteInline(admin.TabularInline):
    model = TrialSite
    extra = 0
    fields = ["position", "name", "city", "country_code", "nuts2", "organisation"]
    readonly_fields = ["position", "name", "city", "country_code", "nuts2"]
    raw_id_fields = ["organisation"]


class TrialSponsorInline(admin.TabularInline):
    model = TrialSponsor
    extra = 0
    fields = ["position", "role", "name", "agency_class", "organisation"]
    readonly_fields = ["position", "role", "name", "agency_class"]
    raw_id_fields = ["organisation"]


@admin.register(Trial)
class TrialAdmin(admin.ModelAdmin):
    list_display = ["nct_id", "title", "study_type", "overall_status", "start_date", "sponsor_name"]
    list_filter = ["study_type", "overall_status"]
    search_fields = ["nct_id", "title", "sponsor_name"]
    readonly_fields = ["staged_record", "source_file", "raw"]
    inlines = [TrialSiteInline, TrialSponsorInline]
