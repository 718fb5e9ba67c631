from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "lshub.api"
    label = "api"
