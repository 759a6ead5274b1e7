from django.urls import path

from satsa.funds import views

app_name = "funds"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("insattning/", views.deposit, name="deposit"),
    path("uttag/", views.withdrawal, name="withdrawal"),
    path("verifikationer/", views.journal, name="journal"),
    path("verifikationer.csv", views.journal_csv, name="journal_csv"),
    path("verifikationer.xlsx", views.journal_xlsx, name="journal_xlsx"),
    path("verifikationer.se", views.journal_sie, name="journal_sie"),
    path("verifikationer/<int:pk>/motboka/", views.transaction_reverse, name="reverse"),
    path("arenden/<int:pk>/", views.case_money, name="case"),
    path("arenden/<int:pk>/frigor/", views.case_release, name="release"),
    path("arenden/<int:pk>/aterforing/", views.case_repayment, name="repayment"),
    path("arenden/<int:pk>/aterforingsplan/", views.case_repayment_plan, name="repayment_plan"),
    path(
        "arenden/<int:pk>/aterforingsplan/manuell/",
        views.case_repayment_manual,
        name="repayment_manual",
    ),
    path("arenden/<int:pk>/aterforing/val/", views.case_repayment_choice, name="repayment_choice"),
    path("arenden/<int:pk>/avrakning/", views.case_settlement, name="settlement"),
    path("arenden/<int:pk>/utbetalningsplan/", views.payment_plan_propose, name="payment_plan"),
    path(
        "utbetalningsplaner/<int:pk>/godkann/",
        views.payment_plan_approve,
        name="payment_plan_approve",
    ),
    path(
        "aterforingsplaner/<int:pk>/godkann/",
        views.repayment_plan_approve,
        name="repayment_plan_approve",
    ),
    path("begaran/<int:pk>/godkann/", views.claim_approve, name="claim_approve"),
    path("begaran/<int:pk>/avsla/", views.claim_reject, name="claim_reject"),
    path("begaran/<int:pk>/betala/", views.claim_pay, name="claim_pay"),
]
