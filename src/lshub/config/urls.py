from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from lshub.api.urls import api

urlpatterns = [
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
urlpatterns += i18n_patterns(
    path("admin/", admin.site.urls),
    path("observatory/", include("lshub.observatory.urls")),
    path("factsheet/", include("lshub.reports.urls")),
    path("review/", include("lshub.linkage.urls")),
    path("partnering/", include("lshub.partnering.urls")),
    path("", include("lshub.web.urls")),
    prefix_default_language=False,
)
