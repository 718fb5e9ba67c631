from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.factsheet, name="factsheet"),
    path("download.<str:fmt>", views.download, name="download"),
]
