from django.urls import path

from satsa.files import views

app_name = "files"
urlpatterns = [
    path("", views.files, name="list"),
    path("ny/", views.file_new, name="new"),
    path("<int:pk>/", views.file_download, name="download"),
    path("importer/<slug:kind>/", views.imports, name="imports"),
]
