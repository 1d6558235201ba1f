from django.apps import AppConfig


class PatientsConfig(AppConfig):
    name = "patients"
    verbose_name = "Patients"

    def ready(self):
        from django.db.models.signals import post_migrate

        from patients.permissions import create_group_after_migrate

        post_migrate.connect(create_group_after_migrate, sender=self)
