"""UI routes for red-line policies."""

from django.urls import path

from governance.policies import views

app_name = "policies"
urlpatterns = [
    path("", views.index, name="index"),
]
