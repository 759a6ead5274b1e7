from django.apps import AppConfig


class CalculationsConfig(AppConfig):
    name = "satsa.calculations"
    label = "calculations"
