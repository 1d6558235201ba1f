"""What a patient's current episode needs (the worklist's reasons) becomes four stored columns,
written on every restage (patients.needs): the worklist filters and pages on them instead of
searching every episode, trial and course of the clinic on each page view.

The existing rows are filled here with the conditions the worklist used until now, written out
in this file so that it never changes with the app's code.
"""

from django.db import migrations, models
from django.db.models import Exists, OuterRef, Q

SCREENING_ITEMS = (
    "bipolar_spectrum",
    "thyroid_function",
    "vitamin_b12",
    "vitamin_d",
    "sleep_apnoea",
    "substance_use",
    "adhd",
    "ptsd",
    "drug_interactions",
)
REFERRAL_KINDS = ("esketamine", "rtms", "vns")
BATCH = 2000


def _of_current_episode(model, **filters):
    """Rows (trials, courses) of the outer patient's current episode."""
    return model.objects.filter(episode__patient=OuterRef("pk"), episode__ended_on__isnull=True, **filters)


def fill_needs(apps, schema_editor):
    Patient = apps.get_model("patients", "Patient")
    Episode = apps.get_model("patients", "Episode")
    Trial = apps.get_model("patients", "Trial")
    EctCourse = apps.get_model("patients", "EctCourse")
    OtherCourse = apps.get_model("patients", "OtherCourse")
    patients = Patient.objects.using(schema_editor.connection.alias)

    # rules §8 (a pseudo-resistance item not screened), from Thase–Rush stage II (§4.1)
    not_screened = Q()
    for item in SCREENING_ITEMS:
        not_screened |= Q(**{item: "not_screened"})
    current_episode = Episode.objects.filter(patient=OuterRef("pk"), ended_on__isnull=True)
    patients.filter(Q(thase_rush_stage__gte=2) & Exists(current_episode.filter(not_screened))).update(
        needs_screening=True
    )
    # rules §3.1 (no outcome and no improvement), §3.2 (adherence not documented)
    undocumented = Q(adherence_pct__isnull=True) | Q(outcome="", improvement_pct__isnull=True)
    patients.filter(Exists(_of_current_episode(Trial).filter(undocumented))).update(needs_trials=True)
    # rules §5 regulatory TRD, and no ECT, esketamine, rTMS or VNS course
    patients.filter(
        Q(regulatory_trd=True)
        & ~Exists(_of_current_episode(EctCourse))
        & ~Exists(_of_current_episode(OtherCourse, kind__in=REFERRAL_KINDS))
    ).update(needs_referral=True)
    _fill_eligibility(patients, schema_editor.connection)


def _fill_eligibility(patients, connection):
    """rules §12.3: a profile of the current staging `incomplete`."""
    staged = patients.filter(current_snapshot__isnull=False)
    if connection.features.supports_json_field_contains:  # PostgreSQL: one UPDATE
        staged.filter(current_snapshot__result__eligibility__contains=[{"status": "incomplete"}]).update(
            needs_eligibility=True
        )
        return
    # SQLite (development databases) cannot ask that of a JSON list: read the statuses here.
    incomplete = [
        patient_id
        for patient_id, eligibility in staged.values_list("pk", "current_snapshot__result__eligibility").iterator()
        if any(profile.get("status") == "incomplete" for profile in eligibility or ())
    ]
    for start in range(0, len(incomplete), BATCH):
        patients.filter(pk__in=incomplete[start : start + BATCH]).update(needs_eligibility=True)


class Migration(migrations.Migration):
    dependencies = [
        ("patients", "0015_last_assessed_at"),
    ]

    operations = [
        migrations.AddField(model_name="patient", name="needs_screening", field=models.BooleanField(default=False)),
        migrations.AddField(model_name="patient", name="needs_trials", field=models.BooleanField(default=False)),
        migrations.AddField(model_name="patient", name="needs_referral", field=models.BooleanField(default=False)),
        migrations.AddField(model_name="patient", name="needs_eligibility", field=models.BooleanField(default=False)),
        # Reversed, the columns are dropped: nothing to undo.
        migrations.RunPython(fill_needs, migrations.RunPython.noop),
    ]
