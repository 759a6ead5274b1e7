from django.urls import path

from satsa.portfolio import views

app_name = "portfolio"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("portfolj.xlsx", views.export_xlsx, name="export_xlsx"),
    path("arende/<int:pk>/beslutsunderlag.pdf", views.decision_basis, name="decision_basis"),
    path("arende/<int:pk>/slutrapport.pdf", views.final_report, name="final_report"),
    path("arende/<int:pk>/publicera/", views.publish, name="publish"),
    path("rapport/<int:pk>.pdf", views.periodic_report, name="periodic_report"),
    path("utvardering/", views.evaluations, name="evaluations"),
    path("utvardering/<int:pk>.pdf", views.evaluation_pdf, name="evaluation_pdf"),
]
