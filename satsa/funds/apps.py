from django.apps import AppConfig


class FundsConfig(AppConfig):
    name = "satsa.funds"
    label = "funds"

    def ready(self) -> None:
        # Tell the pipeline about what this app keeps (satsa.cases.hooks).
        from satsa.funds import files, guards, worklist  # noqa: F401
