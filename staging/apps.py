from django.apps import AppConfig


class StagingConfig(AppConfig):
    name = "staging"
    verbose_name = "Staging engine"

    def ready(self):
        from staging import checks  # noqa: F401  registers the catalogue check
