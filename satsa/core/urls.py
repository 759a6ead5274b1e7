from django.urls import path

from satsa.core import views

app_name = "core"
urlpatterns = [
    path("", views.home, name="home"),
    path("oversikt/", views.dashboard, name="dashboard"),
    path("healthz", views.healthz, name="healthz"),
]
