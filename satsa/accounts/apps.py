from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "satsa.accounts"
    label = "accounts"

    def ready(self) -> None:
        from satsa.accounts import signals  # noqa: F401
