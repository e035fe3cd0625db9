"""UI routes for governance."""

from django.urls import path

from governance.views import datasets, licenses, mixes, overview

app_name = "governance"
urlpatterns = [
    path("", overview.index, name="index"),
    path("licenses/", licenses.license_list, name="license_list"),
    path("licenses/<str:spdx_id>/", licenses.license_detail, name="license_detail"),
    path("datasets/", datasets.dataset_list, name="dataset_list"),
    path("datasets/new/", datasets.dataset_create, name="dataset_create"),
    path("datasets/import-card/", datasets.dataset_import_card, name="dataset_import_card"),
    path("datasets/import-csv/", datasets.dataset_import_csv, name="dataset_import_csv"),
    path("datasets/export.csv", datasets.dataset_export_csv, name="dataset_export_csv"),
    path("datasets/<int:pk>/", datasets.dataset_detail, name="dataset_detail"),
    path("datasets/<int:pk>/edit/", datasets.dataset_edit, name="dataset_edit"),
    path("datasets/<int:pk>/submit/", datasets.dataset_submit, name="dataset_submit"),
    path(
        "datasets/<int:pk>/approve/",
        datasets.dataset_decide,
        {"decision": "approve"},
        name="dataset_approve",
    ),
    path(
        "datasets/<int:pk>/reject/",
        datasets.dataset_decide,
        {"decision": "reject"},
        name="dataset_reject",
    ),
    path("review/", overview.review_queue, name="review_queue"),
    path("mixes/", mixes.mix_list, name="mix_list"),
    path("mixes/new/", mixes.mix_create, name="mix_create"),
    path("mixes/preview/", mixes.mix_preview, name="mix_preview"),
    path("mixes/<int:pk>/", mixes.mix_detail, name="mix_detail"),
    path("mixes/<int:pk>/edit/", mixes.mix_edit, name="mix_edit"),
    path("mixes/<int:pk>/notice.md", mixes.mix_notice, name="mix_notice"),
    path("mixes/<int:pk>/submit/", mixes.mix_workflow, {"step": "submit"}, name="mix_submit"),
    path("mixes/<int:pk>/approve/", mixes.mix_workflow, {"step": "approve"}, name="mix_approve"),
    path("mixes/<int:pk>/reject/", mixes.mix_workflow, {"step": "reject"}, name="mix_reject"),
]
