from django.contrib.auth import views as auth_views
from django.urls import path

from satsa.accounts import views

app_name = "accounts"
urlpatterns = [
    path("logga-in/", views.LoginView.as_view(), name="login"),
    path("logga-ut/", auth_views.LogoutView.as_view(), name="logout"),
    path("profil/", views.profile, name="profile"),
    path("tvafaktor/aktivera/", views.two_factor_setup, name="two_factor_setup"),
    path("tvafaktor/verifiera/", views.two_factor_verify, name="two_factor_verify"),
    path("tvafaktor/<int:pk>/ta-bort/", views.two_factor_remove, name="two_factor_remove"),
    path("tvafaktor/reservkoder/", views.recovery_codes, name="recovery_codes"),
]
