"""What every API view shares: limits, throttling, audit of reads, the current episode."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.views import APIView

from audit import log
from audit.models import AuditEntry
from patients.api.limits import WritesThrottled, check_body_size
from patients.api.preconditions import version_etag
from patients.api.problems import PROBLEM_CONTENT_TYPE, Conflict
from patients.api.serializers import ProblemSerializer
from patients.models import Episode

# Every operation may answer these; the schema says so, so clients (and the fuzzing) expect them.
ERROR_STATUSES = {
    400: "Invalid input: `errors` lists each field's message with its path.",
    401: "No valid token or session.",
    403: "Not allowed for this user (e.g. an account without a clinic).",
    404: "No such record, or not in the caller's clinic.",
    405: "Method not allowed on this resource.",
    406: "Only JSON is served.",
    409: "The records are not in a state that allows this (e.g. no current episode).",
    412: "If-Match names another version: someone else saved first.",
    413: "Body over 5 MB or a list over 1,000 records.",
    415: "Send JSON (Content-Type: application/json).",
    428: "A write must send If-Match with the record's ETag.",
    429: "More than 60 writes a minute with this token.",
}

IF_MATCH = OpenApiParameter(
    "If-Match",
    location=OpenApiParameter.HEADER,
    required=False,
    description="The record's ETag, from the response that returned it. Required: a write without it answers 428.",
)


def responses(success: dict) -> dict:
    """`success` ({status: serializer}) and every problem-details answer."""
    problems = {
        (status, PROBLEM_CONTENT_TYPE): OpenApiResponse(ProblemSerializer, description=description)
        for status, description in ERROR_STATUSES.items()
    }
    return {**success, **problems}


def edit_schema(summary: str, serializer, response=None):
    """The schema of a PUT or PATCH: the body `serializer` describes, the If-Match it needs, and
    the record it answers with (`response`, when not the body's)."""
    return extend_schema(
        summary=summary,
        request=serializer,
        parameters=[IF_MATCH],
        responses=responses({200: response or serializer}),
    )


class ApiView(APIView):
    def initial(self, request, *args, **kwargs):
        check_body_size(request)  # before anything reads the body
        super().initial(request, *args, **kwargs)

    def throttled(self, request, wait):
        raise WritesThrottled(wait)


def audit_read(request, patient) -> None:
    """A read of one patient's records, like the patient page's (audit.decorators)."""
    log.record(AuditEntry.VIEW, patient=patient, request=request._request)


def current_episode_or_409(patient) -> Episode:
    episode = Episode.objects.filter(patient=patient, ended_on__isnull=True).first()
    if episode is None:
        # the pages' words (patients.views.entry)
        raise Conflict("Record the current episode first: trials, courses and scores belong to it.")
    return episode


def with_etag(response, instance):
    response["ETag"] = version_etag(instance)
    return response
