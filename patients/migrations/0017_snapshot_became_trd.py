"""A snapshot says whether it is a new TRD classification (StagingSnapshot.became_trd), decided
when it is written: the dashboard's "new TRD per month" and the list's "Became TRD in" count rows
with it instead of comparing every snapshot with the one before it on each page view.

Existing snapshots are filled here with the comparison the app made until now, written out in
this file so that it never changes with the app's code: TRD (rules §5), and the snapshot of the
same episode before it (by computed_at, then id) was not TRD or there was none.
"""

from django.db import migrations, models
from django.db.models import OuterRef, Q, Subquery


def fill_became_trd(apps, schema_editor):
    StagingSnapshot = apps.get_model("patients", "StagingSnapshot")
    snapshots = StagingSnapshot.objects.using(schema_editor.connection.alias)
    before = snapshots.filter(
        Q(computed_at__lt=OuterRef("computed_at")) | Q(computed_at=OuterRef("computed_at"), pk__lt=OuterRef("pk")),
        episode=OuterRef("episode"),
    ).order_by("-computed_at", "-pk")
    onsets = (
        snapshots.filter(label="trd")
        .annotate(label_before=Subquery(before.values("label")[:1]))
        .filter(Q(label_before__isnull=True) | ~Q(label_before="trd"))
    )
    snapshots.filter(pk__in=onsets.values("pk")).update(became_trd=True)


class Migration(migrations.Migration):
    dependencies = [("patients", "0016_patient_needs")]

    operations = [
        migrations.AddField(
            model_name="stagingsnapshot",
            name="became_trd",
            field=models.BooleanField(default=False),
        ),
        migrations.RunPython(fill_became_trd, migrations.RunPython.noop),
        migrations.RemoveIndex(model_name="stagingsnapshot", name="snapshot_label_assessed"),
        migrations.AddIndex(
            model_name="stagingsnapshot",
            index=models.Index(
                condition=models.Q(("became_trd", True)),
                fields=["assessed_on", "patient"],
                name="snapshot_became_trd",
            ),
        ),
    ]
