"""/api/v1/: patients are addressed by database id only, like the pages (no names in URLs)."""

from django.contrib.auth.decorators import login_not_required
from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView

from patients.api.views import docs, episodes, patients, rows, stage

app_name = "api"


def api(view_class):
    """A DRF view: it authenticates itself (token or session) and answers 401 as problem details,
    so the site's log-in redirect does not apply."""
    return login_not_required(view_class.as_view())


urlpatterns = [
    # the schema to signed-in users and tokens only (SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"])
    path("schema/", login_not_required(SpectacularAPIView.as_view()), name="schema"),
    path("docs/", docs.reference_page, name="docs"),
    path("stage", api(stage.StageView), name="stage"),
    path("patients", api(patients.PatientListView), name="patients"),
    path("patients/<int:pk>", api(patients.PatientDetailView), name="patient"),
    path("patients/<int:pk>/episodes", api(episodes.EpisodeListView), name="episodes"),
    path("patients/<int:pk>/episodes/<int:episode_id>", api(episodes.EpisodeDetailView), name="episode"),
    path("patients/<int:pk>/trials", api(rows.TrialListView), name="trials"),
    path("patients/<int:pk>/trials/<int:row_id>", api(rows.TrialDetailView), name="trial"),
    path("patients/<int:pk>/ect-courses", api(rows.EctCourseListView), name="ect_courses"),
    path("patients/<int:pk>/ect-courses/<int:row_id>", api(rows.EctCourseDetailView), name="ect_course"),
    path("patients/<int:pk>/other-courses", api(rows.OtherCourseListView), name="other_courses"),
    path("patients/<int:pk>/other-courses/<int:row_id>", api(rows.OtherCourseDetailView), name="other_course"),
    path("patients/<int:pk>/scale-scores", api(rows.ScaleScoreListView), name="scale_scores"),
    path("patients/<int:pk>/scale-scores/<int:row_id>", api(rows.ScaleScoreDetailView), name="scale_score"),
    re_path(r"^.*$", api(docs.NotFoundView), name="not_found"),
]
