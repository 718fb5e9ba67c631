from django.urls import path, re_path

from . import views

app_name = "partnering"

urlpatterns = [
    path("", views.search, name="search"),
    path("profiles/", views.profile_list, name="profiles"),
    path("profiles/new/", views.profile_new, name="profile-new"),
    path("profiles/<int:pk>/", views.profile_detail, name="profile"),
    path("shortlists/new/", views.shortlist_new, name="shortlist-new"),
    re_path(r"^shortlists/(?P<key>[-\w]+)/$", views.shortlist_detail, name="shortlist"),
    re_path(r"^shortlists/(?P<key>[-\w]+)/export\.(?P<fmt>[a-z]+)$", views.shortlist_export, name="shortlist-export"),
]
