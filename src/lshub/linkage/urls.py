from django.urls import path

from . import views

app_name = "linkage"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("<int:pk>/", views.item, name="item"),
    path("<int:pk>/decide/", views.decide, name="decide"),
]
