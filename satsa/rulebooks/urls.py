from django.urls import path

from satsa.rulebooks import views

app_name = "rulebooks"
urlpatterns = [
    path("", views.current, name="current"),
    path("ladda-upp/", views.upload, name="upload"),
    path("jamfor/", views.diff, name="diff"),
    path("<slug:key>/", views.version_detail, name="version"),
    path("<slug:key>/toml/", views.version_toml, name="toml"),
]
