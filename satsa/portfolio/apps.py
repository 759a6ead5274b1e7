from django.apps import AppConfig


class PortfolioConfig(AppConfig):
    name = "satsa.portfolio"
    label = "portfolio"
