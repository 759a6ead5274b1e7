from django.apps import AppConfig


class FilesConfig(AppConfig):
    name = "satsa.files"
    label = "files"
