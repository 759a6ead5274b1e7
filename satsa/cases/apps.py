from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "satsa.cases"
    label = "cases"
