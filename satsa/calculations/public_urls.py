"""Pages anyone may read without logging in, under /open/<org_slug>/."""

from django.urls import path

from satsa.calculations import views

app_name = "calculations_public"
urlpatterns = [
    path("enhetskostnader/", views.public_unit_costs, name="unit_costs"),
]
