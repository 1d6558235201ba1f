"""Episode, trial, course and scale-score entry (stubs, being built)."""

from django.http import HttpResponse

from patients.access import get_visible_patient


def _stub(request, pk):
    get_visible_patient(request.user, pk)
    return HttpResponse("todo")


episode_edit = episode_new = trials_edit = courses_edit = scores_edit = _stub
