"""Review API: claim the next item, submit, skip, renew a lease; user feedback on outputs."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import APIView

from monitoring.models import ModelOutput
from monitoring.review import services
from monitoring.review.api.serializers import (
    ClaimSerializer,
    FeedbackResultSerializer,
    FeedbackSerializer,
    LeaseSerializer,
    ReviewSerializer,
    SubmitSerializer,
)
from monitoring.review.permissions import ACCESS


class ClaimView(APIView):
    permission_classes = [ACCESS.permission(read="review", write="review")]

    @extend_schema(request=None, responses={200: ClaimSerializer, 204: None})
    def post(self, request):
        lease = services.review_claim(user=request.user)
        if lease is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(ClaimSerializer(lease).data)


class SubmitView(APIView):
    permission_classes = [ACCESS.permission(read="review", write="review")]

    @extend_schema(request=SubmitSerializer, responses={201: ReviewSerializer})
    def post(self, request, pk: int):
        data = SubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        review = services.review_submit(user=request.user, item_id=pk, **data.validated_data)
        return Response(ReviewSerializer(review).data, status=status.HTTP_201_CREATED)


class SkipView(APIView):
    permission_classes = [ACCESS.permission(read="review", write="review")]

    @extend_schema(request=None, responses=LeaseSerializer)
    def post(self, request, pk: int):
        return Response(LeaseSerializer(services.review_skip(user=request.user, item_id=pk)).data)


class RenewView(APIView):
    permission_classes = [ACCESS.permission(read="review", write="review")]

    @extend_schema(request=None, responses=LeaseSerializer)
    def post(self, request, pk: int):
        lease = services.review_lease_renew(user=request.user, item_id=pk)
        return Response(LeaseSerializer(lease).data)


class FeedbackView(APIView):
    permission_classes = [ACCESS.permission(read="feedback", write="feedback")]

    @extend_schema(request=FeedbackSerializer, responses={201: FeedbackResultSerializer})
    def post(self, request, pk: int):
        output = get_object_or_404(ModelOutput, pk=pk)
        data = FeedbackSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        feedback, item = services.output_feedback(
            output=output, user=request.user, **data.validated_data
        )
        body = FeedbackResultSerializer(feedback, context={"item_id": item and item.pk}).data
        return Response(body, status=status.HTTP_201_CREATED)
