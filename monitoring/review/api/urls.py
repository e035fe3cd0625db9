"""Review endpoints under /api/v1/: workflow verbs, not viewsets."""

from django.urls import path

from monitoring.review.api import views

ROUTES: list = []
urlpatterns = [
    path("review/claim/", views.ClaimView.as_view(), name="review-claim"),
    path("review/items/<int:pk>/submit/", views.SubmitView.as_view(), name="review-submit"),
    path("review/items/<int:pk>/skip/", views.SkipView.as_view(), name="review-skip"),
    path("review/items/<int:pk>/renew/", views.RenewView.as_view(), name="review-renew"),
    path("outputs/<int:pk>/feedback/", views.FeedbackView.as_view(), name="output-feedback"),
]
