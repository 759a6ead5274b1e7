from django.apps import AppConfig


class CalculationsConfig(AppConfig):
    name = "satsa.calculations"
    label = "calculations"

    def ready(self) -> None:
        # Tell the pipeline about what this app keeps (satsa.cases.hooks).
        from satsa.calculations import hooks  # noqa: F401
