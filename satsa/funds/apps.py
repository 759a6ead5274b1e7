from django.apps import AppConfig


class FundsConfig(AppConfig):
    name = "satsa.funds"
    label = "funds"
