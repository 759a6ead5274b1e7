from django.apps import AppConfig


class CasesConfig(AppConfig):
    name = "satsa.cases"
    label = "cases"

    def ready(self) -> None:
        # The daily reminders (satsa.core.daily).
        from satsa.cases import tasks  # noqa: F401
