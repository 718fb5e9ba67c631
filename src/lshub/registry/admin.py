"""The admin for curating the registry.

Organisations are imported and exported through the tabular service, so the admin reads
and writes the same columns as `lshub import` / `lshub export`, with the same checks,
the same conflict rule (curated values are kept) and the same history reasons.
"""

from __future__ import annotations

import io

import tablib
from django.contrib import admin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from import_export import resources
from import_export.admin import ImportExportMixin
from import_export.fields import Field
from import_export.formats import base_formats
from import_export.forms import ExportForm
from import_export.results import Error, Result, RowResult
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    Alias,
    Identifier,
    Organisation,
    OrganisationSource,
    OrganisationSpecialisation,
    Relation,
    Site,
    Source,
    Specialisation,
)
from .services import tabular

# --- file formats read and written by the tabular service --------------------------------


def _dataset(table: tabular.Table) -> tablib.Dataset:
    """A tablib dataset for django-import-export, keeping the service's table (and its row numbers)."""
    tabular.check_header(table.header)
    width = len(table.header)
    dataset = tablib.Dataset(headers=table.header)
    for _number, cells in table.rows:
        dataset.append((cells + [""] * width)[:width])
    dataset.lshub_table = table
    return dataset


class RegistryCSV(base_formats.CSV):
    """CSV as `lshub import` reads it: UTF-8 checked, commas or semicolons."""

    def is_binary(self):
        return True  # read as bytes, so the service can say clearly when it is not UTF-8

    def get_read_mode(self):
        return "rb"

    def create_dataset(self, in_stream, **kwargs):
        data = in_stream.encode("utf-8") if isinstance(in_stream, str) else in_stream
        tabular.check_size(len(data))
        return _dataset(tabular.read_csv_bytes(data))


class RegistryXLSX(base_formats.XLSX):
    def create_dataset(self, in_stream, **kwargs):
        tabular.check_size(len(in_stream))
        return _dataset(tabular.read_xlsx(io.BytesIO(in_stream)))


class RegistryJSON(base_formats.JSON):
    def can_import(self):
        return False


EXPORT_FORMAT_NAMES = {RegistryCSV: "csv", RegistryXLSX: "xlsx", RegistryJSON: "json"}


# --- the resource: tabular columns, tabular import -----------------------------------------


class TabularResource(resources.Resource):
    """Organisations in the tabular service's columns; imports go through the service."""

    @classmethod
    def get_display_name(cls):
        return gettext("Organisations (lshub columns)")

    def get_export_headers(self, selected_fields=None):
        return list(tabular.COLUMNS)

    def export_resource(self, instance, selected_fields=None, **kwargs):
        return tabular.cells(instance)

    def import_data(self, dataset, dry_run=False, raise_errors=False, use_transactions=None, **kwargs):
        """Check and (unless dry_run) write all or nothing; the result is shown by the admin's import page."""
        table = getattr(dataset, "lshub_table", None) or tabular.Table(
            header=list(dataset.headers),
            rows=[(n, ["" if c is None else str(c) for c in r]) for n, r in enumerate(dataset, start=2)],
        )
        result = Result()
        result.diff_headers = [
            gettext("key"),
            gettext("name"),
            gettext("changes"),
            gettext("conflicts (registry value kept)"),
        ]
        try:
            report = tabular.import_table(table, filename=kwargs.get("file_name") or "admin upload", dry_run=dry_run)
        except tabular.ImportFileError as error:
            result.append_base_error(Error(error))
            return result
        _add_invalid_rows(result, table, report)
        if not report.errors:
            _add_row_results(result, table, report)
        return result


OrganisationResource = type(
    "OrganisationResource",
    (TabularResource,),
    {"__module__": __name__, **{column: Field(attribute=column, column_name=column) for column in tabular.COLUMNS}},
)


def _names_by_key(table: tabular.Table) -> dict[str, str]:
    key, name = table.header.index("key"), table.header.index("name")
    return {cells[key].strip(): cells[name].strip() for _n, cells in table.rows if len(cells) > max(key, name)}


def _add_invalid_rows(result: Result, table: tabular.Table, report: tabular.ImportReport) -> None:
    by_row: dict[int, dict[str, list[str]]] = {}
    for error in report.errors:
        by_row.setdefault(error.row, {}).setdefault(error.column, []).append(error.reason)
    cells_by_row = dict(table.rows)
    for number, problems in sorted(by_row.items()):
        cells = dict(zip(table.header, cells_by_row.get(number, [])))
        shown = dict(zip(result.diff_headers, (cells.get("key", ""), cells.get("name", ""), "", "")))
        result.append_invalid_row(number, shown, ValidationError(problems))


def _add_row_results(result: Result, table: tabular.Table, report: tabular.ImportReport) -> None:
    names = _names_by_key(table)
    conflicts: dict[str, list[str]] = {}
    for conflict in report.conflicts:
        conflicts.setdefault(conflict.key, []).append(
            f"{conflict.column}: {conflict.current!r} ≠ {conflict.incoming!r}"
        )
    written = (
        {o.slug: o for o in Organisation.objects.filter(slug__in=[*report.created, *report.updated])}
        if report.written
        else {}
    )
    rows = [(key, RowResult.IMPORT_TYPE_NEW, gettext("new")) for key in report.created]
    rows += [(key, RowResult.IMPORT_TYPE_UPDATE, ", ".join(columns)) for key, columns in report.updated.items()]
    rows += [(key, RowResult.IMPORT_TYPE_SKIP, "") for key in report.unchanged]
    for key, import_type, changes in rows:
        row_result = RowResult()
        row_result.import_type = import_type
        row_result.diff = [key, names.get(key, ""), changes, "; ".join(conflicts.get(key, []))]
        row_result.object_repr = names.get(key, key)
        if key in written:
            row_result.instance = written[key]
            row_result.object_id = written[key].pk
        result.append_row_result(row_result)
        result.increment_row_result_total(row_result)


# --- organisations -------------------------------------------------------------------------

# Web addresses typed without a scheme are taken as https (Django 6's default).
URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}


class AliasInline(admin.TabularInline):
    model = Alias
    extra = 0


class SiteInline(admin.TabularInline):
    model = Site
    extra = 0
    fields = (
        "is_headquarters",
        "label",
        "address",
        "comune",
        "province",
        "istat_code",
        "nuts3",
        "nuts2",
        "latitude",
        "longitude",
        "coordinates_precision",
    )


class IdentifierInline(admin.TabularInline):
    model = Identifier
    extra = 0


class SpecialisationLinkInline(admin.TabularInline):
    model = OrganisationSpecialisation
    extra = 0
    autocomplete_fields = ["specialisation"]
    verbose_name = _("specialisation")
    verbose_name_plural = _("specialisations")


class SourceLinkInline(admin.TabularInline):
    model = OrganisationSource
    extra = 0
    autocomplete_fields = ["source"]
    fields = ("source", "field", "record_id", "note")
    verbose_name = _("source")
    verbose_name_plural = _("sources")


@admin.register(Organisation)
class OrganisationAdmin(ImportExportMixin, SimpleHistoryAdmin):
    resource_classes = [OrganisationResource]
    import_formats = [RegistryCSV, RegistryXLSX]
    export_formats = [RegistryCSV, RegistryXLSX, RegistryJSON]
    export_form_class = ExportForm  # the columns are fixed: those of the tabular service
    list_display = ("name", "short_name", "type", "ownership", "seat", "updated")
    list_filter = ("type", "ownership", "sites__province", "specialisation_links__specialisation__kind")
    search_fields = ("name", "short_name", "slug", "name_en", "name_it", "aliases__name", "identifiers__value")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = ("updated",)
    formfield_overrides = URL_FIELDS
    inlines = [AliasInline, SiteInline, IdentifierInline, SpecialisationLinkInline, SourceLinkInline]
    fieldsets = (
        (None, {"fields": ("name", "slug", "short_name", "name_en", "name_it")}),
        (_("Classification"), {"fields": ("type", "subtype", "ownership")}),
        (_("Facts"), {"fields": ("website", "founded", "employees", "employees_year")}),
        (_("Description"), {"fields": ("description_en", "description_it")}),
        (_("Curation"), {"fields": ("note", "updated")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("sites")

    @admin.display(description=_("seat"))
    def seat(self, organisation):
        site = tabular.main_site(organisation)
        return str(site) if site else "—"

    def get_export_data(self, file_format, request, queryset, **kwargs):
        """The export file, written by the tabular service (formula-safe CSV and XLSX)."""
        if not self.has_export_permission(request):
            raise PermissionDenied
        name = EXPORT_FORMAT_NAMES[type(file_format)]
        if name == "xlsx":
            buffer = io.BytesIO()
            tabular.export("xlsx", buffer, queryset)
            return buffer.getvalue()
        text = io.StringIO()
        tabular.export(name, text, queryset)
        # A byte-order mark lets spreadsheet programs recognise UTF-8 CSV.
        return ("\ufeff" if name == "csv" else "") + text.getvalue()

    def add_data_read_fail_error_to_form(self, form, error):
        """Say what is wrong with the file in plain words, as `lshub import` does."""
        if isinstance(error, tabular.ImportFileError):
            form.add_error("import_file", str(error))
        else:
            super().add_data_read_fail_error_to_form(form, error)


# --- taxonomy, relations, sources ------------------------------------------------------------


@admin.register(Specialisation)
class SpecialisationAdmin(admin.ModelAdmin):
    list_display = ("code", "label_en", "label_it", "kind", "parent", "is_irccs_area")
    list_filter = ("kind", "is_irccs_area")
    search_fields = ("code", "label_en", "label_it")
    autocomplete_fields = ["parent"]


@admin.register(Relation)
class RelationAdmin(SimpleHistoryAdmin):
    list_display = ("subject", "kind", "object", "source")
    list_filter = ("kind",)
    search_fields = ("subject__name", "object__name", "note")
    autocomplete_fields = ["subject", "object", "source"]


@admin.register(Source)
class SourceAdmin(admin.ModelAdmin):
    list_display = ("__str__", "publisher", "url", "retrieved")
    search_fields = ("url", "publisher", "title")
    formfield_overrides = URL_FIELDS
    date_hierarchy = "retrieved"
