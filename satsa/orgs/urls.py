from django.urls import path

from satsa.orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("organisation/", views.structure, name="structure"),
    path("parter/", views.parties, name="parties"),
    path("personer/", views.people, name="people"),
    path("aktivitet/", views.activity, name="activity"),
    path("installningar/", views.settings_view, name="settings"),
]
