"""Review API: claim the next item, submit, skip, renew a lease; user feedback on outputs."""

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from monitoring.public import output_record
from monitoring.review.api.serializers import (
    ClaimSerializer,
    FeedbackResultSerializer,
    FeedbackSerializer,
    LeaseSerializer,
    ReviewSerializer,
    SubmitSerializer,
)
from monitoring.review.permissions import ACCESS
from monitoring.review.services import claims, labels, routing


class ClaimView(APIView):
    permission_classes = [ACCESS.permission(read="review", write="review")]

    @extend_schema(request=None, responses={200: ClaimSerializer, 204: None})
    def post(self, request):
        lease = claims.review_claim(actor=request.user)
        if lease is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(ClaimSerializer(lease).data)


class SubmitView(APIView):
    permission_classes = [ACCESS.permission(read="review", write="review")]

    @extend_schema(request=SubmitSerializer, responses={201: ReviewSerializer})
    def post(self, request, pk: int):
        data = SubmitSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        review = labels.review_submit(actor=request.user, item_id=pk, **data.validated_data)
        return Response(ReviewSerializer(review).data, status=status.HTTP_201_CREATED)


class SkipView(APIView):
    permission_classes = [ACCESS.permission(read="review", write="review")]

    @extend_schema(request=None, responses=LeaseSerializer)
    def post(self, request, pk: int):
        return Response(LeaseSerializer(claims.review_skip(actor=request.user, item_id=pk)).data)


class RenewView(APIView):
    permission_classes = [ACCESS.permission(read="review", write="review")]

    @extend_schema(request=None, responses=LeaseSerializer)
    def post(self, request, pk: int):
        lease = claims.review_lease_renew(actor=request.user, item_id=pk)
        return Response(LeaseSerializer(lease).data)


class FeedbackView(APIView):
    permission_classes = [ACCESS.permission(read="feedback", write="feedback")]

    @extend_schema(request=FeedbackSerializer, responses={201: FeedbackResultSerializer})
    def post(self, request, pk: int):
        if output_record(pk) is None:  # 404 before 400, as for any missing resource
            raise NotFound(_("No such output."))
        data = FeedbackSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        feedback, item = routing.output_feedback(
            output_id=pk, actor=request.user, **data.validated_data
        )
        body = FeedbackResultSerializer(feedback, context={"item_id": item and item.pk}).data
        return Response(body, status=status.HTTP_201_CREATED)
