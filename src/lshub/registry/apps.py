from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryConfig(AppConfig):
    name = "lshub.registry"
    label = "registry"
    verbose_name = _("Registry")

    def ready(self):
        from . import signals  # noqa: F401  (connects the search-index receivers)
