"""Public pages and open data at /open/<org-slug>/. These URLs are documented in
docs/open-data.md and other tools depend on them: never rename them."""

from django.urls import path

from satsa.portfolio import public_views

app_name = "public_portfolio"
urlpatterns = [
    path("", public_views.index, name="index"),
    path("interventions.json", public_views.interventions_json, name="interventions_json"),
    path("interventions.csv", public_views.interventions_csv, name="interventions_csv"),
    path("calls.json", public_views.calls_json, name="calls_json"),
    path("slutrapport.pdf", public_views.final_report, name="final_report"),
]
