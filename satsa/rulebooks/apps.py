from django.apps import AppConfig


class RulebooksConfig(AppConfig):
    name = "satsa.rulebooks"
    label = "rulebooks"
