from django.apps import AppConfig


class PortfolioConfig(AppConfig):
    name = "satsa.portfolio"
    label = "portfolio"

    def ready(self) -> None:
        # The portfolio's files made in the background (satsa.files).
        from satsa.portfolio import files  # noqa: F401
