"""UI routes for red-line policies."""

from django.urls import path

from governance.policies import views

app_name = "policies"
VERSION = "<int:pk>/v<int:number>/"
CATEGORY = VERSION + "categories/<str:code>/"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.create, name="create"),
    path("attest/", views.attest_list, name="attest_list"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/diff/", views.diff, name="diff"),
    path("<int:pk>/settings/", views.settings_edit, name="settings"),
    path("<int:pk>/draft/", views.draft_start, name="draft_start"),
    path("<int:pk>/reviewed/", views.review_complete, name="review_complete"),
    path("<int:pk>/published/", views.published, name="published"),
    path("<int:pk>/attest/", views.attest, name="attest"),
    path("<int:pk>/transition/<str:verb>/", views.transition, name="transition"),
    path(VERSION, views.version, name="version"),
    path(VERSION + "summary/", views.summary_edit, name="summary_edit"),
    path(VERSION + "preview/", views.preview, name="preview"),
    path(VERSION + "categories/", views.category_add, name="category_add"),
    path(VERSION + "exceptions/", views.exception_add, name="exception_add"),
    path(VERSION + "exceptions/remove/", views.exception_remove, name="exception_remove"),
    path(CATEGORY, views.category_edit, name="category_edit"),
    path(CATEGORY + "move/<str:direction>/", views.category_move, name="category_move"),
    path(CATEGORY + "remove/", views.category_remove, name="category_remove"),
]
