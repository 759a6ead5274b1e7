from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "satsa.orgs"
    label = "orgs"
