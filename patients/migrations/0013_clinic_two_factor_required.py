from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("patients", "0012_import_batch")]

    operations = [
        migrations.AddField(
            model_name="clinic",
            name="two_factor_required",
            field=models.BooleanField(
                default=False, help_text="Every member of the clinic must log in with an authenticator app."
            ),
        ),
    ]
