from django.urls import path

from satsa.decisions import views

app_name = "decisions"
urlpatterns = [
    path("prioritering/", views.ranking, name="ranking"),
    path("<int:pk>/beslut/", views.decision, name="decision"),
    path("<int:pk>/beslut/projektperiod/", views.period, name="period"),
]
