"""UI routes for the review queue, adjudication, dashboards and alerts."""

from django.urls import path

from monitoring.review import views

app_name = "review"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("items/<int:pk>/submit/", views.item_submit, name="item_submit"),
    path("items/<int:pk>/skip/", views.item_skip, name="item_skip"),
    path("items/<int:pk>/renew/", views.item_renew, name="item_renew"),
    path("adjudication/", views.adjudication, name="adjudication"),
    path("adjudication/<int:pk>/", views.adjudication_item, name="adjudication_item"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("alerts/", views.alerts, name="alerts"),
    path(
        "alerts/<int:pk>/acknowledge/",
        views.alert_action,
        {"action": "acknowledge"},
        name="alert_acknowledge",
    ),
    path(
        "alerts/<int:pk>/resolve/", views.alert_action, {"action": "resolve"}, name="alert_resolve"
    ),
    path("rules/", views.rules_page, name="rules"),
    path("rules/<str:kind>/new/", views.rule_edit, name="rule_new"),
    path("rules/<str:kind>/<int:pk>/", views.rule_edit, name="rule_edit"),
]
