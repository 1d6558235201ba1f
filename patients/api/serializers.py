"""How records look in JSON: the output of every resource, and the schema of its input.

These serializers render responses and describe request bodies in the OpenAPI schema; they do
not validate. Input is validated by the pages' forms (patients.api.forms), whose field names
are the names here, so an error's path is the field a client sent.
"""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from patients.api.forms import TrialForm, augmentation_line
from patients.models import (
    LABEL_CHOICES,
    MSM_CATEGORY_CHOICES,
    Augmentation,
    EctCourse,
    Episode,
    OtherCourse,
    Patient,
    ScaleScore,
    Trial,
)
from staging.engine import inputs as vocabulary


class ProblemErrorSerializer(serializers.Serializer):
    path = serializers.CharField(help_text="The field, e.g. `dose_mg_per_day`; `(input)` for the whole input.")
    message = serializers.CharField()


class ProblemSerializer(serializers.Serializer):
    """RFC 9457 problem details."""

    type = serializers.CharField(help_text="A URN naming the kind of problem.")
    title = serializers.CharField(help_text="The HTTP status phrase.")
    status = serializers.IntegerField()
    detail = serializers.CharField(help_text="What went wrong and what to do, in words.")
    errors = ProblemErrorSerializer(many=True, required=False, help_text="Each invalid field, with its path.")


# The stored staging summary as the API shows it, read only: the snapshot it comes from and the day
# it holds for are the detail's `staging`.
_STAGING_SUMMARY = [name for name in Patient.STAGING_SUMMARY_FIELDS if name not in ("current_snapshot", "staged_on")]


class PatientSerializer(serializers.ModelSerializer):
    # "" until the patient is first staged (no current episode yet)
    msm_category = serializers.ChoiceField(choices=[("", "Not staged"), *MSM_CATEGORY_CHOICES], read_only=True)
    label = serializers.ChoiceField(choices=[("", "Never staged"), *LABEL_CHOICES], read_only=True)

    class Meta:
        model = Patient
        fields = ["id", "record_number", "name", "date_of_birth", "sex", "clinic", *_STAGING_SUMMARY]
        read_only_fields = ["id", *_STAGING_SUMMARY]
        extra_kwargs = {
            "clinic": {
                "required": False,
                "help_text": "The patient's clinic: always the caller's own; only a superuser chooses one (when creating).",
            }
        }


class StagingSerializer(serializers.Serializer):
    """The current staging as of today: the rules §10 result with its explanations."""

    as_of = serializers.DateField(help_text="The day this staging holds for: today (rules §1.1).")
    assessed_on = serializers.DateField(
        help_text="The day the stored result was computed for; the same result holds today."
    )
    computed_at = serializers.DateTimeField()
    ruleset = serializers.CharField()
    result = serializers.JSONField(help_text="The rules §10 result (the words the page and the PDF show).")


class PatientDetailSerializer(PatientSerializer):
    staging = serializers.SerializerMethodField(help_text="Null until a current episode is recorded.")

    class Meta(PatientSerializer.Meta):
        fields = [*PatientSerializer.Meta.fields, "staging"]

    @extend_schema_field(StagingSerializer(allow_null=True))
    def get_staging(self, patient):
        snapshot = self.context.get("snapshot")
        if snapshot is None:
            return None
        return StagingSerializer(
            {
                "as_of": patient.staged_on,
                "assessed_on": snapshot.assessed_on,
                "computed_at": snapshot.computed_at,
                "ruleset": snapshot.ruleset,
                "result": snapshot.result,
            }
        ).data


class EpisodeSerializer(serializers.ModelSerializer):
    comorbidities = serializers.ListField(
        child=serializers.ChoiceField(choices=vocabulary.COMORBIDITIES), required=False
    )
    psychosocial_stressors = serializers.BooleanField(allow_null=True, required=False)
    is_current = serializers.BooleanField(read_only=True)

    class Meta:
        model = Episode
        fields = [
            "id",
            "is_current",
            "onset",
            "ended_on",
            "severity",
            "functional_impairment",
            "comorbidities",
            "psychosocial_stressors",
            *vocabulary.SCREENING_ITEMS,
        ]
        read_only_fields = ["id", "is_current", "ended_on"]


class EndEpisodeSerializer(serializers.Serializer):
    ended_on = serializers.DateField(help_text="The end date of the current episode.")


class NewEpisodeSerializer(serializers.Serializer):
    """Starting a new episode ends the current one (rules §1.1: only the current one is staged)."""

    previous_episode = EndEpisodeSerializer(required=False, help_text="Required when there is a current episode.")
    episode = EpisodeSerializer()


class AugmentationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Augmentation
        fields = ["agent", "dose_mg_per_day", "weeks"]


@extend_schema_field(OpenApiTypes.STR)
class AugmentationLineField(serializers.CharField):
    """The agents as the page's one line: "lithium 600, aripiprazole 5 for 6 weeks"."""

    def __init__(self, **kwargs):
        super().__init__(source="*", required=False, allow_blank=True, **kwargs)

    def to_representation(self, trial):
        return augmentation_line(trial)


class TrialSerializer(serializers.ModelSerializer):
    augmentation = AugmentationLineField(help_text="Agents and doses in mg/day, e.g. 'lithium 600, aripiprazole 5'.")
    augmentations = AugmentationSerializer(many=True, read_only=True)

    class Meta:
        model = Trial
        # The page's fields in its order: the API validates a trial with the page's form.
        fields = ["id", "position", *TrialForm.Meta.fields, "augmentation", "augmentations"]
        read_only_fields = ["id", "position", "augmentations"]
        extra_kwargs = {"weeks_at_dose": {"required": False}}


class EctCourseSerializer(serializers.ModelSerializer):
    class Meta:
        model = EctCourse
        fields = ["id", "electrode_placement", "sessions", "outcome", "started_on"]
        read_only_fields = ["id"]


class OtherCourseSerializer(serializers.ModelSerializer):
    class Meta:
        model = OtherCourse
        fields = ["id", "kind", "weeks", "outcome", "started_on"]
        read_only_fields = ["id"]


class ScaleScoreSerializer(serializers.ModelSerializer):
    class Meta:
        model = ScaleScore
        fields = ["id", "scale", "score", "rated_on"]
        read_only_fields = ["id"]


class PatientPageSerializer(serializers.Serializer):
    count = serializers.IntegerField(help_text="Matching patients (at most the counted limit, see count_is_capped).")
    count_is_capped = serializers.BooleanField(help_text="True when there are more matches than `count`.")
    page = serializers.IntegerField()
    page_size = serializers.IntegerField()
    next_page = serializers.IntegerField(allow_null=True)
    previous_page = serializers.IntegerField(allow_null=True)
    results = PatientSerializer(many=True)


class StageRequestSerializer(serializers.Serializer):
    """Schema only: a rules §10 record, or a list of up to 1,000 records (docs/clinical-rules.md §10)."""


class EpisodeListSerializer(serializers.Serializer):
    results = EpisodeSerializer(many=True)
