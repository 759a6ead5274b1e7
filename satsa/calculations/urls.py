from django.urls import path

from satsa.calculations import views

app_name = "calculations"
urlpatterns = [
    path("enhetskostnader/", views.unit_costs, name="unit_costs"),
    path("enhetskostnader/ny/", views.unit_cost_create, name="unit_cost_create"),
    path("enhetskostnader/import/", views.unit_costs_import, name="unit_costs_import"),
    path("enhetskostnader/export.xlsx", views.unit_costs_export_xlsx, name="unit_costs_xlsx"),
    path("enhetskostnader/export.csv", views.unit_costs_export_csv, name="unit_costs_csv"),
    path("enhetskostnader/<int:pk>/", views.unit_cost_detail, name="unit_cost"),
    path(
        "enhetskostnader/<int:pk>/publicering/", views.unit_cost_publish, name="unit_cost_publish"
    ),
    path("arende/<int:case_id>/", views.editor, name="editor"),
    path("arende/<int:case_id>/resultat/", views.results, name="results"),
    path("arende/<int:case_id>/effekthemtagning/", views.realisation, name="realisation"),
    path("arende/<int:case_id>/kalkyl.json", views.calculation_json, name="calculation_json"),
    path("arende/<int:case_id>/resultat.xlsx", views.results_xlsx, name="results_xlsx"),
    path("arende/<int:case_id>/kalkyl.xlsx", views.calculation_xlsx, name="calculation_xlsx"),
    path("arende/<int:case_id>/import/", views.calculation_import, name="calculation_import"),
    path(
        "arende/<int:case_id>/ogonblicksbild/<int:pk>.json",
        views.snapshot_json,
        name="snapshot_json",
    ),
    path("prisindex/", views.price_indices, name="price_indices"),
    path("prisindex/<int:pk>/", views.price_index_detail, name="price_index"),
]
