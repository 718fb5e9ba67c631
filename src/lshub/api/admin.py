"""API tokens in the admin: see who can write and revoke a token. Keys are issued by `lshub token create`."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import ApiToken
from .tokens import revoke


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("name", "user", "created", "last_used", "revoked")
    list_filter = (("revoked", admin.EmptyFieldListFilter),)
    search_fields = ("name",)
    fields = ("name", "user", "created", "last_used", "revoked")
    readonly_fields = ("name", "created", "last_used", "revoked")
    actions = ["revoke"]

    def has_add_permission(self, request):
        # A key is shown once, when issued; the command line does that, not a form.
        return False

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        count = revoke(queryset)
        self.message_user(
            request,
            ngettext("%(count)d token revoked.", "%(count)d tokens revoked.", count) % {"count": count},
            messages.SUCCESS,
        )
