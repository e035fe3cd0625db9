"""UI routes for governance."""

from django.urls import path

from governance import views

app_name = "governance"
urlpatterns = [
    path("", views.index, name="index"),
    path("licenses/", views.license_list, name="license_list"),
    path("licenses/<str:spdx_id>/", views.license_detail, name="license_detail"),
    path("datasets/", views.dataset_list, name="dataset_list"),
    path("datasets/new/", views.dataset_create, name="dataset_create"),
    path("datasets/import-card/", views.dataset_import_card, name="dataset_import_card"),
    path("datasets/import-csv/", views.dataset_import_csv, name="dataset_import_csv"),
    path("datasets/export.csv", views.dataset_export_csv, name="dataset_export_csv"),
    path("datasets/<int:pk>/", views.dataset_detail, name="dataset_detail"),
    path("datasets/<int:pk>/edit/", views.dataset_edit, name="dataset_edit"),
    path("datasets/<int:pk>/submit/", views.dataset_submit, name="dataset_submit"),
    path(
        "datasets/<int:pk>/approve/",
        views.dataset_decide,
        {"decision": "approve"},
        name="dataset_approve",
    ),
    path(
        "datasets/<int:pk>/reject/",
        views.dataset_decide,
        {"decision": "reject"},
        name="dataset_reject",
    ),
    path("review/", views.review_queue, name="review_queue"),
    path("mixes/", views.mix_list, name="mix_list"),
    path("mixes/new/", views.mix_create, name="mix_create"),
    path("mixes/preview/", views.mix_preview, name="mix_preview"),
    path("mixes/<int:pk>/", views.mix_detail, name="mix_detail"),
    path("mixes/<int:pk>/edit/", views.mix_edit, name="mix_edit"),
    path("mixes/<int:pk>/notice.md", views.mix_notice, name="mix_notice"),
    path("mixes/<int:pk>/submit/", views.mix_workflow, {"step": "submit"}, name="mix_submit"),
    path("mixes/<int:pk>/approve/", views.mix_workflow, {"step": "approve"}, name="mix_approve"),
    path("mixes/<int:pk>/reject/", views.mix_workflow, {"step": "reject"}, name="mix_reject"),
]
