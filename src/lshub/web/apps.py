from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "lshub.web"
    label = "web"
