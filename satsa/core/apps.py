from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "satsa.core"
    label = "core"
