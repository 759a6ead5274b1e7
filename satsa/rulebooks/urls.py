from django.urls import path  # noqa: F401

app_name = "rulebooks"
urlpatterns: list[object] = []
