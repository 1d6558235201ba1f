"""The API's reference page (Swagger UI from static/vendor/swagger-ui) and
the problem-details answer for any other path under /api/v1/."""

from __future__ import annotations

from django.shortcuts import render
from rest_framework import exceptions

from patients.api.views.base import ApiView


def reference_page(request):
    """A normal page (log-in required): the reference reads the schema with the session."""
    return render(request, "api/reference.html")


class NotFoundView(ApiView):
    """Any other path under /api/v1/: 404 as problem details, whatever the method."""

    schema = None  # not an operation of the API

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        raise exceptions.NotFound("There is no such resource in this API: see /api/v1/docs/ for the list.")
