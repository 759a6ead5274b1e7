from django.apps import AppConfig


class DecisionsConfig(AppConfig):
    name = "satsa.decisions"
    label = "decisions"
    verbose_name = "Beslut"
