"""Django system check: the antidepressant catalogue must be valid before the app starts (rules §2)."""

from __future__ import annotations

from django.core.checks import Error, register

from staging.engine.catalogue import CatalogueError, load_catalogue
from staging.site import catalogue_path


@register()
def check_catalogue(app_configs=None, **kwargs):
    """staging.E001 — one error per bad row, naming the file, the line and the problem."""
    path = catalogue_path()
    try:
        load_catalogue(path)
    except CatalogueError as error:
        return [
            Error(
                f"Antidepressant catalogue {error.path}, line {line}: {message}"
                if line
                else f"Antidepressant catalogue {error.path}: {message}",
                hint="Fix the row (columns drug,class,min_dose_mg,min_dose_65_mg,source; see "
                "staging/engine/data/README.md) or point TRD_CATALOGUE_PATH at a valid file.",
                obj="staging.engine.catalogue",
                id="staging.E001",
            )
            for line, message in error.errors
        ]
    return []
