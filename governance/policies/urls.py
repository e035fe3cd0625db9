"""UI routes for red-line policies."""

from django.urls import path

from governance.policies.views import attestations, policies, versions

app_name = "policies"
VERSION = "<int:pk>/v<int:number>/"
CATEGORY = VERSION + "categories/<str:code>/"
urlpatterns = [
    path("", policies.index, name="index"),
    path("new/", policies.create, name="create"),
    path("attest/", attestations.attest_list, name="attest_list"),
    path("<int:pk>/", policies.detail, name="detail"),
    path("<int:pk>/diff/", versions.diff, name="diff"),
    path("<int:pk>/settings/", policies.settings_edit, name="settings"),
    path("<int:pk>/draft/", policies.draft_start, name="draft_start"),
    path("<int:pk>/reviewed/", policies.review_complete, name="review_complete"),
    path("<int:pk>/published/", attestations.published, name="published"),
    path("<int:pk>/attest/", attestations.attest, name="attest"),
    path("<int:pk>/transition/<str:verb>/", policies.transition, name="transition"),
    path(VERSION, versions.version, name="version"),
    path(VERSION + "summary/", versions.summary_edit, name="summary_edit"),
    path(VERSION + "preview/", versions.preview, name="preview"),
    path(VERSION + "categories/", versions.category_add, name="category_add"),
    path(VERSION + "exceptions/", versions.exception_add, name="exception_add"),
    path(VERSION + "exceptions/remove/", versions.exception_remove, name="exception_remove"),
    path(CATEGORY, versions.category_edit, name="category_edit"),
    path(CATEGORY + "move/<str:direction>/", versions.category_move, name="category_move"),
    path(CATEGORY + "remove/", versions.category_remove, name="category_remove"),
]
