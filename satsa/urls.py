from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from django.views.i18n import set_language

urlpatterns = [
    path("", include("satsa.core.urls")),
    path("konto/", include("satsa.accounts.urls")),
    path("konto/", include("satsa.eid.urls")),
    path("i18n/setlang/", login_not_required(set_language), name="set_language"),
    path("o/<slug:org_slug>/", include("satsa.orgs.urls")),
    path("o/<slug:org_slug>/regelbok/", include("satsa.rulebooks.urls")),
    path("o/<slug:org_slug>/arenden/", include("satsa.cases.urls")),
    path("o/<slug:org_slug>/arenden/", include("satsa.calculations.case_urls")),
    path("o/<slug:org_slug>/arenden/", include("satsa.decisions.urls")),
    path("o/<slug:org_slug>/kalkyler/", include("satsa.calculations.urls")),
    path("o/<slug:org_slug>/fonden/", include("satsa.funds.urls")),
    path("o/<slug:org_slug>/uppfoljning/", include("satsa.followup.urls")),
    path("open/<slug:org_slug>/", include("satsa.calculations.public_urls")),
    path("o/<slug:org_slug>/portfolj/", include("satsa.portfolio.urls")),
    path("o/<slug:org_slug>/filer/", include("satsa.files.urls")),
    path("o/<slug:org_slug>/e-legitimation/", include("satsa.eid.org_urls")),
    path("open/<slug:org_slug>/", include("satsa.portfolio.public_urls")),
]
