from django.apps import AppConfig


class FollowupConfig(AppConfig):
    name = "satsa.followup"
    label = "followup"
