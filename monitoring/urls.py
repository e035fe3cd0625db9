"""UI routes for monitoring."""

from django.urls import path

from monitoring import views

app_name = "monitoring"
urlpatterns = [
    path("", views.index, name="index"),
    path("outputs/<int:pk>/", views.output_detail, name="output_detail"),
]
