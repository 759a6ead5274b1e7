from django.urls import path

from satsa.eid import views

app_name = "eid"
urlpatterns = [
    path("saml/<slug:org_slug>/metadata/", views.saml_metadata, name="saml_metadata"),
    path("saml/<slug:org_slug>/logga-in/", views.saml_login, name="saml_login"),
    path("saml/<slug:org_slug>/acs/", views.saml_acs, name="saml_acs"),
    path("saml/<slug:org_slug>/sls/", views.saml_sls, name="saml_sls"),
    path("saml/logga-ut/", views.saml_logout, name="saml_logout"),
    path("oidc/<slug:org_slug>/logga-in/", views.oidc_login, name="oidc_login"),
    path("oidc/<slug:org_slug>/callback/", views.oidc_callback, name="oidc_callback"),
    path("e-legitimation/<slug:org_slug>/", views.chooser, name="chooser"),
]
