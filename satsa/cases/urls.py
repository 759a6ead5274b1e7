from django.urls import path

from satsa.cases import views

app_name = "cases"
urlpatterns = [
    path("", views.pipeline, name="pipeline"),
    path("mina-uppgifter/", views.tasks, name="tasks"),
    path("behovsanalyser/", views.needs, name="needs"),
    path("ny-ide/", views.idea_create, name="idea_create"),
    path("<int:pk>/", views.overview, name="overview"),
    path("<int:pk>/ide/", views.idea, name="idea"),
    path("<int:pk>/medsokande/", views.co_applicant_add, name="co_applicant_add"),
    path("<int:pk>/ansokan/", views.application, name="application"),
    path("<int:pk>/ansokan/autospara/", views.application_autosave, name="autosave"),
    path("<int:pk>/ansokan/parter/", views.parts, name="parts"),
    path("<int:pk>/ansokan/bilagor/", views.attachment_upload, name="attachment_upload"),
    path(
        "<int:pk>/ansokan/bilagor/<int:attachment_id>/ny-version/",
        views.attachment_replace,
        name="attachment_replace",
    ),
    path(
        "<int:pk>/ansokan/bilagor/<int:attachment_id>/ta-bort/",
        views.attachment_withdraw,
        name="attachment_withdraw",
    ),
    path(
        "<int:pk>/ansokan/bilagor/<int:attachment_id>/",
        views.attachment_download,
        name="attachment",
    ),
    path("<int:pk>/ansokan/version/<int:version>/", views.version, name="version"),
    path("<int:pk>/undantag/", views.exemption, name="exemption"),
    path("<int:pk>/beredning/", views.reviews, name="reviews"),
    path("<int:pk>/skicka-vidare/", views.advance, name="advance"),
    path("<int:pk>/avsla/", views.reject, name="reject"),
    path("<int:pk>/synpunkter/", views.comments, name="comments"),
    path(
        "<int:pk>/synpunkter/<int:notice_id>/handling/",
        views.board_document,
        name="board_document",
    ),
    path("<int:pk>/underskrifter/", views.signatures, name="signatures"),
    path("<int:pk>/aktivitet/", views.activity, name="activity"),
    path("<int:pk>/personer/", views.people, name="people"),
]
