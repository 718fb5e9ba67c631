from django.urls import path

from . import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("organisations/", views.directory_page, name="directory"),
    path("organisations/<slug:slug>/", views.organisation, name="organisation"),
    path("organisations/<slug:slug>/history/<int:history_id>/revert/", views.revert, name="revert"),
    path("map/", views.map_page, name="map"),
]
