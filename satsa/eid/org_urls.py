from django.urls import path

from satsa.eid import org_views

app_name = "eid_org"
urlpatterns = [
    path("", org_views.eid_settings, name="settings"),
    path("personer/", org_views.people, name="people"),
]
