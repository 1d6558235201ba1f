"""The rows of the current episode: trials, ECT courses, other courses and scale scores.

One resource per row (`/patients/<id>/trials/<trial_id>`), each written with the form its page
uses for one row, restaged in the same transaction, and guarded by its version (If-Match).
Rows belong to the current episode (rules §1.1); without one, writes answer 409 as the pages
send the clinician to the episode page first.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.response import Response

from patients.access import get_visible_patient
from patients.api import serializers
from patients.api.forms import (
    MAX_COURSES,
    MAX_SCORES,
    MAX_TRIALS,
    EctCourseForm,
    OtherCourseForm,
    ScaleScoreForm,
    bind,
    require_valid,
    trial_formset_class,
)
from patients.api.preconditions import claim, if_match_tags
from patients.api.problems import WHOLE_INPUT, InvalidInput
from patients.api.views.base import (
    IF_MATCH,
    ApiView,
    audit_read,
    current_episode_or_409,
    edit_schema,
    responses,
    with_etag,
)
from patients.models import EctCourse, OtherCourse, ScaleScore, Trial
from patients.services import restage


class RowsResource:
    """What differs between trials, courses and scores; the views below do the rest."""

    model = None
    serializer_class = None
    path = ""  # the URL segment, e.g. "trials"
    max_rows = 0  # as many as the page saves (patients.forms)
    noun_plural = ""

    def form_class(self):
        raise NotImplementedError

    def rows(self, episode):
        return self.model.objects.filter(episode=episode)

    def check_room(self, episode) -> None:
        """A new row only while the episode holds fewer than its page saves."""
        if self.rows(episode).count() >= self.max_rows:
            message = f"At most {self.max_rows} {self.noun_plural} can be recorded for an episode, as on its page."
            raise InvalidInput([(WHOLE_INPUT, message)])

    def save(self, form, episode) -> None:
        form.instance.episode = episode
        form.save()


class Trials(RowsResource):
    max_rows = MAX_TRIALS
    noun_plural = "trials"
    model = Trial
    serializer_class = serializers.TrialSerializer
    path = "trials"

    def form_class(self):
        return trial_formset_class().form  # the form of the trials page, with the site's catalogue

    def rows(self, episode):
        return Trial.objects.filter(episode=episode).prefetch_related("augmentations")

    def save(self, form, episode) -> None:
        trial = form.instance
        if trial.pk is None:
            # a new trial comes last (input order, rules §3.3, §5)
            last = Trial.objects.filter(episode=episode).aggregate(last=Max("position"))["last"]
            trial.position = 0 if last is None else last + 1
        trial.episode = episode
        form.save()
        form.save_augmentations()


class EctCourses(RowsResource):
    max_rows = MAX_COURSES
    noun_plural = "ECT courses"
    model = EctCourse
    serializer_class = serializers.EctCourseSerializer
    path = "ect-courses"

    def form_class(self):
        return EctCourseForm


class OtherCourses(RowsResource):
    max_rows = MAX_COURSES
    noun_plural = "other courses"
    model = OtherCourse
    serializer_class = serializers.OtherCourseSerializer
    path = "other-courses"

    def form_class(self):
        return OtherCourseForm


class ScaleScores(RowsResource):
    max_rows = MAX_SCORES
    noun_plural = "scale scores"
    model = ScaleScore
    serializer_class = serializers.ScaleScoreSerializer
    path = "scale-scores"

    def form_class(self):
        return ScaleScoreForm


class RowListView(ApiView):
    resource: RowsResource = None

    def get(self, request, pk):
        patient = get_visible_patient(request.user, pk)
        episode = current_episode_or_409(patient)
        rows = self.resource.rows(episode)
        audit_read(request, patient)
        return Response(self.resource.serializer_class(rows, many=True).data)

    def post(self, request, pk):
        patient = get_visible_patient(request.user, pk)
        episode = current_episode_or_409(patient)
        self.resource.check_room(episode)
        row = self.resource.model(episode=episode)
        form = bind(self.resource.form_class(), request.data, instance=row)
        require_valid(("", form))
        with transaction.atomic():
            self.resource.save(form, episode)
            restage(patient)
        row = self.resource.rows(episode).get(pk=row.pk)
        response = Response(self.resource.serializer_class(row).data, status=status.HTTP_201_CREATED)
        response["Location"] = f"/api/v1/patients/{patient.pk}/{self.resource.path}/{row.pk}"
        return with_etag(response, row)


class RowDetailView(ApiView):
    resource: RowsResource = None

    def _row(self, request, pk, row_id):
        patient = get_visible_patient(request.user, pk)
        episode = current_episode_or_409(patient)
        return patient, episode, get_object_or_404(self.resource.rows(episode), pk=row_id)

    def get(self, request, pk, row_id):
        patient, _, row = self._row(request, pk, row_id)
        audit_read(request, patient)
        return with_etag(Response(self.resource.serializer_class(row).data), row)

    def put(self, request, pk, row_id):
        return self._edit(request, pk, row_id, partial=False)

    def patch(self, request, pk, row_id):
        return self._edit(request, pk, row_id, partial=True)

    def delete(self, request, pk, row_id):
        patient, _, row = self._row(request, pk, row_id)
        if_match_tags(request)
        with transaction.atomic():
            claim(request, row, self.resource.form_class()(instance=row).description)
            row.delete()
            restage(patient)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _edit(self, request, pk, row_id, *, partial: bool):
        patient, episode, row = self._row(request, pk, row_id)
        if_match_tags(request)
        form = bind(self.resource.form_class(), request.data, partial=partial, instance=row)
        require_valid(("", form))
        with transaction.atomic():
            claim(request, row, form.description)
            self.resource.save(form, episode)
            restage(patient)
        row = self.resource.rows(episode).get(pk=row.pk)
        return with_etag(Response(self.resource.serializer_class(row).data), row)


def list_schema(serializer, noun: str, plural: str) -> dict:
    return {
        "get": extend_schema(
            summary=f"The {plural} of the current episode",
            operation_id=f"{plural.replace(' ', '_').lower()}_list",
            responses=responses({200: serializer(many=True)}),
        ),
        "post": extend_schema(summary=f"Add a {noun}", request=serializer, responses=responses({201: serializer})),
    }


def detail_schema(serializer, noun: str) -> dict:
    return {
        "get": extend_schema(summary=f"One {noun}", responses=responses({200: serializer})),
        "put": edit_schema(f"Replace a {noun}", serializer),
        "patch": edit_schema(f"Change part of a {noun}", serializer),
        "delete": extend_schema(summary=f"Remove a {noun}", parameters=[IF_MATCH], responses=responses({204: None})),
    }


# Each kind of row: its list and detail views, with their OpenAPI descriptions.


@extend_schema_view(**list_schema(serializers.TrialSerializer, "trial", "trials"))
class TrialListView(RowListView):
    resource = Trials()


@extend_schema_view(**detail_schema(serializers.TrialSerializer, "trial"))
class TrialDetailView(RowDetailView):
    resource = Trials()


@extend_schema_view(**list_schema(serializers.EctCourseSerializer, "ECT course", "ECT courses"))
class EctCourseListView(RowListView):
    resource = EctCourses()


@extend_schema_view(**detail_schema(serializers.EctCourseSerializer, "ECT course"))
class EctCourseDetailView(RowDetailView):
    resource = EctCourses()


@extend_schema_view(**list_schema(serializers.OtherCourseSerializer, "course of another treatment", "other courses"))
class OtherCourseListView(RowListView):
    resource = OtherCourses()


@extend_schema_view(**detail_schema(serializers.OtherCourseSerializer, "course of another treatment"))
class OtherCourseDetailView(RowDetailView):
    resource = OtherCourses()


@extend_schema_view(**list_schema(serializers.ScaleScoreSerializer, "scale score", "scale scores"))
class ScaleScoreListView(RowListView):
    resource = ScaleScores()


@extend_schema_view(**detail_schema(serializers.ScaleScoreSerializer, "scale score"))
class ScaleScoreDetailView(RowDetailView):
    resource = ScaleScores()
