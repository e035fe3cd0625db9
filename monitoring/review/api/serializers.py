"""Serializers for the review API: claimed items (blind), labels and user feedback."""

from rest_framework import serializers

from monitoring.review import selectors
from monitoring.review.models import OutputFeedback, Review, ReviewLease


class BlindOutputSerializer(serializers.Serializer):
    """The output as an annotator sees it: no model identity."""

    id = serializers.IntegerField()
    conversation = serializers.JSONField()


class ClaimSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="item.id")
    output = BlindOutputSerializer(source="item.output")
    reasons = serializers.SerializerMethodField()
    required_reviews = serializers.IntegerField(source="item.required_reviews")
    lease_expires_at = serializers.DateTimeField(source="expires_at")

    def get_reasons(self, lease: ReviewLease) -> list[str]:
        return list(selectors.item_reviewer_view(item=lease.item).reasons)


class LeaseSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="item_id")
    state = serializers.CharField()
    lease_expires_at = serializers.DateTimeField(source="expires_at")


class SubmitSerializer(serializers.Serializer):
    verdict = serializers.ChoiceField(choices=["safe", "unsafe"])
    categories = serializers.ListField(
        child=serializers.CharField(max_length=16), required=False, default=list
    )
    helpful = serializers.IntegerField(min_value=1, max_value=5, required=False, allow_null=True)
    faithful = serializers.ChoiceField(
        choices=Review.Faithful.choices, required=False, allow_blank=True, default=""
    )
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class ReviewSerializer(serializers.ModelSerializer):
    class Meta:
        model = Review
        fields = [
            "id",
            "item",
            "verdict",
            "categories",
            "helpful",
            "faithful",
            "notes",
            "created_at",
        ]


class FeedbackSerializer(serializers.Serializer):
    report = serializers.BooleanField(required=False, default=True)
    reason = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    text = serializers.CharField(required=False, allow_blank=True, default="")


class FeedbackResultSerializer(serializers.ModelSerializer):
    review_item = serializers.SerializerMethodField()

    class Meta:
        model = OutputFeedback
        fields = ["id", "output", "report", "reason", "text", "created_at", "review_item"]

    def get_review_item(self, obj) -> int | None:
        return self.context.get("item_id")
