"""POST /api/v1/stage: rules §10 records in, results out. Stateless: nothing is read or stored
but the site's catalogue, so no patient data is involved and nothing is audited."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response

from patients.api.limits import check_list_length
from patients.api.problems import InvalidInput
from patients.api.views.base import ApiView, responses
from staging.engine.batch import stage_document
from staging.engine.interchange import InterchangeError
from staging.engine.text import plural
from staging.site import configured_catalogue, configured_profiles


class StageView(ApiView):
    @extend_schema(
        summary="Stage rules §10 records (nothing is stored)",
        description="One record (a JSON object) gives one result; a list of up to 1,000 records gives "
        "a list of results in the same order. Invalid input stages nothing: every error is listed "
        "with its path, as `manage.py stage` prints them (e.g. `[3].trials[1].dose_mg_per_day`).",
        request=OpenApiTypes.ANY,
        responses=responses({200: OpenApiTypes.ANY}),
    )
    def post(self, request):
        document = request.data
        if isinstance(document, list):
            check_list_length(document)
        try:
            results, is_list = stage_document(document, configured_catalogue(), profiles=configured_profiles())
        except InterchangeError as error:
            raise InvalidInput(error.errors, detail=_nothing_staged(len(error.errors))) from None
        return Response(results if is_list else results[0])


def _nothing_staged(count: int) -> str:
    return f"Invalid input, nothing staged: {plural(count, 'error')}."
