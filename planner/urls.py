"""UI routes for planner."""

from django.urls import path

from planner.views import checklists, projects, roadmaps, templates

app_name = "planner"
urlpatterns = [
    path("", projects.index, name="index"),
    path("projects/new/", projects.project_create, name="project_create"),
    path("projects/<int:pk>/", projects.project_detail, name="project"),
    path("projects/<int:pk>/edit/", projects.project_edit, name="project_edit"),
    path("projects/<int:pk>/roadmap/", roadmaps.roadmap_create, name="roadmap_create"),
    path("projects/<int:pk>/roadmap.ics", roadmaps.roadmap_ics, name="roadmap_ics"),
    path("projects/<int:pk>/checklists/", checklists.checklist_start, name="checklist_start"),
    path(
        "projects/<int:pk>/estimates/<str:kind>/", projects.estimate_create, name="estimate_create"
    ),
    path("tasks/<int:pk>/status/", roadmaps.task_status, name="task_status"),
    path("tasks/<int:pk>/owner/", roadmaps.task_owner, name="task_owner"),
    path("tasks/<int:pk>/move/", roadmaps.task_move, name="task_move"),
    path("checklists/<int:pk>/", checklists.checklist_detail, name="checklist"),
    path("checklists/<int:pk>.md", checklists.checklist_markdown, name="checklist_markdown"),
    path("checklist-items/<int:pk>/", checklists.checklist_item_update, name="checklist_item"),
    path("templates/", templates.template_list, name="templates"),
    path("templates/new/", templates.template_create, name="template_create"),
    path("templates/<int:pk>/", templates.template_detail, name="template"),
    path("templates/<int:pk>/copy/", templates.template_copy, name="template_copy"),
    path("presets/<int:pk>/", templates.preset_update, name="preset_update"),
    path("calendar/<str:token>.ics", roadmaps.roadmap_calendar_feed, name="calendar_feed"),
]
