from django.urls import path

from satsa.followup import views

app_name = "followup"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("arende/<int:pk>/", views.case_detail, name="case"),
    path("arende/<int:pk>/export.csv", views.case_export, name="case_export"),
    path("arende/<int:pk>/api/", views.case_api, name="case_api"),
    path("arende/<int:pk>/schema/", views.schema_edit, name="schema"),
    path("arende/<int:pk>/schema/delmal/", views.subgoal_add, name="subgoal_add"),
    path("arende/<int:pk>/schema/aktivitet/", views.activity_add, name="activity_add"),
    path("arende/<int:pk>/schema/matt/", views.measure_add, name="measure_add"),
    path("arende/<int:pk>/instrument/", views.instruments, name="instruments"),
    path("arende/<int:pk>/effektutvardering/", views.evaluation_new, name="evaluation_new"),
    path("arende/<int:pk>/avbrytande/", views.termination_propose, name="termination_propose"),
    path("arende/<int:pk>/implementering/", views.implementation, name="implementation"),
    path("arende/<int:pk>/metodtrohet/", views.fidelity, name="fidelity"),
    path("matt/<int:pk>/", views.measure_detail, name="measure"),
    path("matt/<int:pk>/import/", views.measure_import, name="measure_import"),
    path("rapport/<int:pk>/", views.report_detail, name="report"),
    path("rapport/<int:pk>/granska/", views.report_review, name="report_review"),
    path("rapport/<int:pk>/bilagor/", views.report_attachment_add, name="report_attachment_add"),
    path(
        "rapport/<int:pk>/bilagor/<int:attachment_id>/",
        views.report_attachment,
        name="report_attachment",
    ),
    path(
        "rapport/<int:pk>/bilagor/<int:attachment_id>/ta-bort/",
        views.report_attachment_withdraw,
        name="report_attachment_withdraw",
    ),
    path("effektutvardering/<int:pk>/", views.evaluation_detail, name="evaluation"),
    path(
        "effektutvardering/<int:pk>/aterforing/", views.evaluation_settle, name="evaluation_settle"
    ),
    path("avbrytande/<int:pk>/beslut/", views.termination_decide, name="termination_decide"),
    path(
        "avbrytande/<int:pk>/projektagare/",
        views.termination_position,
        name="termination_position",
    ),
]
