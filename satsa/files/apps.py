from django.apps import AppConfig


class FilesConfig(AppConfig):
    name = "satsa.files"
    label = "files"

    def ready(self) -> None:
        # The daily tidying of left-over and old files (satsa.core.daily).
        from satsa.files import tasks  # noqa: F401
