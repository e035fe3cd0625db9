"""UI routes for the review queue."""

from django.urls import path

from monitoring.review import views

app_name = "review"
urlpatterns = [
    path("", views.queue, name="queue"),
]
