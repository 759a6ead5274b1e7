"""The calculation's tab among the case's pages (mounted under the case URLs)."""

from django.urls import path

from satsa.calculations import views

app_name = "case_calculation"
urlpatterns = [
    path("<int:pk>/kalkyl/", views.case_tab, name="tab"),
]
