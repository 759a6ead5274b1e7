from django.urls import path

from satsa.orgs import views

app_name = "orgs"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("organisation/", views.structure, name="structure"),
    path("parter/", views.parties, name="parties"),
    path("personer/", views.people, name="people"),
    path("personer/ge-roll/", views.membership_grant, name="membership_grant"),
    path(
        "personer/roller/<int:membership_id>/ta-bort/",
        views.membership_revoke,
        name="membership_revoke",
    ),
    path("aktivitet/", views.activity, name="activity"),
    path("installningar/", views.settings_view, name="settings"),
]
