"""The snapshot's generated `label` column goes: it served the comparison of each snapshot with
the one before it, which StagingSnapshot.became_trd (0017) replaced; nothing reads it now."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("patients", "0017_snapshot_became_trd")]

    operations = [migrations.RemoveField(model_name="stagingsnapshot", name="label")]
