from django.urls import path

from . import views

app_name = "observatory"
urlpatterns = [
    path("", views.index, name="index"),
    path("indicators/<slug:indicator_id>/", views.indicator, name="indicator"),
    path("benchmark/", views.benchmark, name="benchmark"),
]
