"""/api/v1/patients/<id>/episodes: every episode; starting a new one; editing the current one.

rules §1.1: only the current episode (no end date) is staged and edited; starting a new one
ends the current one first, with the same two forms as the "new episode" page.
"""

from __future__ import annotations

from django.db import transaction
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.response import Response

from patients.access import get_visible_patient
from patients.api.forms import EndEpisodeForm, EpisodeForm, bind, require_valid
from patients.api.preconditions import claim, if_match_tags
from patients.api.problems import WHOLE_INPUT, Conflict, InvalidInput
from patients.api.serializers import EpisodeSerializer, NewEpisodeSerializer
from patients.api.views.base import IF_MATCH, ApiView, audit_read, edit_schema, responses, with_etag
from patients.models import Episode
from patients.services import restage

NEW_EPISODE_KEYS = {"previous_episode", "episode"}


class EpisodeListView(ApiView):
    @extend_schema(
        summary="Every episode of a patient, the current one first",
        operation_id="episodes_list",
        responses=responses({200: EpisodeSerializer(many=True)}),
    )
    def get(self, request, pk):
        patient = get_visible_patient(request.user, pk)
        episodes = sorted(Episode.objects.filter(patient=patient), key=lambda episode: not episode.is_current)
        audit_read(request, patient)
        return Response(EpisodeSerializer(episodes, many=True).data)

    @extend_schema(
        summary="Start a new episode (ends the current one)",
        description="With a current episode, send its ETag in If-Match and its end date as "
        "`previous_episode.ended_on`. The patient is restaged in the same transaction.",
        request=NewEpisodeSerializer,
        parameters=[IF_MATCH],
        responses=responses({201: EpisodeSerializer}),
    )
    def post(self, request, pk):
        patient = get_visible_patient(request.user, pk)
        body = request.data
        if not isinstance(body, dict):
            raise InvalidInput([(WHOLE_INPUT, "must be a JSON object")])
        unknown = [(str(key)[:60], "unknown key") for key in body if key not in NEW_EPISODE_KEYS]
        if unknown:
            raise InvalidInput(unknown)
        with transaction.atomic():
            current = Episode.objects.filter(patient=patient, ended_on__isnull=True).first()
            forms = []
            end_form = None
            if current is not None:
                if_match_tags(request)  # 428 before any validation: the client must have seen it
                end_form = bind(EndEpisodeForm, body.get("previous_episode") or {}, episode=current)
                forms.append(("previous_episode", end_form))
            elif "previous_episode" in body:
                raise InvalidInput([("previous_episode", "There is no current episode to end.")])
            new_form = bind(EpisodeForm, body.get("episode") or {}, instance=Episode(patient=patient))
            if end_form is not None and end_form.is_valid():
                new_form.previous_episode_ended_on = end_form.cleaned_data["ended_on"]
            forms.append(("episode", new_form))
            require_valid(*forms)
            if current is not None:
                # End the old episode first: the one-current-episode constraint holds at every step.
                claim(request, current, "The current episode")
                current.ended_on = end_form.cleaned_data["ended_on"]
                current.save(update_fields=["ended_on", "version"])
            episode = new_form.save()
            restage(patient)
        response = with_etag(Response(EpisodeSerializer(episode).data, status=status.HTTP_201_CREATED), episode)
        response["Location"] = f"/api/v1/patients/{patient.pk}/episodes/{episode.pk}"
        return response


class EpisodeDetailView(ApiView):
    def _episode(self, request, pk, episode_id) -> tuple:
        patient = get_visible_patient(request.user, pk)
        return patient, get_object_or_404(Episode, patient=patient, pk=episode_id)

    @extend_schema(summary="One episode", responses=responses({200: EpisodeSerializer}))
    def get(self, request, pk, episode_id):
        patient, episode = self._episode(request, pk, episode_id)
        audit_read(request, patient)
        return with_etag(Response(EpisodeSerializer(episode).data), episode)

    @edit_schema("Replace the current episode", EpisodeSerializer)
    def put(self, request, pk, episode_id):
        return self._edit(request, pk, episode_id, partial=False)

    @edit_schema("Change some of the current episode", EpisodeSerializer)
    def patch(self, request, pk, episode_id):
        return self._edit(request, pk, episode_id, partial=True)

    def _edit(self, request, pk, episode_id, *, partial: bool):
        patient, episode = self._episode(request, pk, episode_id)
        if not episode.is_current:
            raise Conflict("Only the current episode can be edited (rules §1.1): this one has ended.")
        if_match_tags(request)
        form = bind(EpisodeForm, request.data, partial=partial, instance=episode)
        require_valid(("", form))
        with transaction.atomic():
            claim(request, episode, "The episode")
            form.save()
            restage(patient)
        return with_etag(Response(EpisodeSerializer(episode).data), episode)
