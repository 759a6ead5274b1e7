from django.apps import AppConfig


class FollowupConfig(AppConfig):
    name = "satsa.followup"
    label = "followup"

    def ready(self) -> None:
        # Tell the pipeline about what this app keeps (satsa.cases.hooks).
        from satsa.followup import files, guards, tasks, worklist  # noqa: F401
