"""UI routes for planner."""

from django.urls import path

from planner import views

app_name = "planner"
urlpatterns = [
    path("", views.index, name="index"),
    path("projects/new/", views.project_create, name="project_create"),
    path("projects/<int:pk>/", views.project_detail, name="project"),
    path("projects/<int:pk>/edit/", views.project_edit, name="project_edit"),
    path("projects/<int:pk>/roadmap/", views.roadmap_create, name="roadmap_create"),
    path("projects/<int:pk>/roadmap.ics", views.roadmap_ics, name="roadmap_ics"),
    path("projects/<int:pk>/checklists/", views.checklist_start, name="checklist_start"),
    path("projects/<int:pk>/estimates/<str:kind>/", views.estimate_create, name="estimate_create"),
    path("tasks/<int:pk>/status/", views.task_status, name="task_status"),
    path("tasks/<int:pk>/owner/", views.task_owner, name="task_owner"),
    path("tasks/<int:pk>/move/", views.task_move, name="task_move"),
    path("checklists/<int:pk>/", views.checklist_detail, name="checklist"),
    path("checklists/<int:pk>.md", views.checklist_markdown, name="checklist_markdown"),
    path("checklist-items/<int:pk>/", views.checklist_item_update, name="checklist_item"),
    path("templates/", views.template_list, name="templates"),
    path("templates/new/", views.template_create, name="template_create"),
    path("templates/<int:pk>/", views.template_detail, name="template"),
    path("templates/<int:pk>/copy/", views.template_copy, name="template_copy"),
    path("presets/<int:pk>/", views.preset_update, name="preset_update"),
    path("calendar/<str:token>.ics", views.roadmap_calendar_feed, name="calendar_feed"),
]
