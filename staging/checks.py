"""Django system checks: the antidepressant catalogue (rules §2) and the eligibility profiles
(rules §12.1) must be valid before the app starts."""

from __future__ import annotations

from django.core.checks import Error, register

from staging.engine.catalogue import CatalogueError, load_catalogue
from staging.engine.eligibility import ProfileError, load_profiles
from staging.site import catalogue_path, profiles_dir


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
                hint="Fix the row (columns drug,class,min_dose_mg,min_dose_65_mg,source[,rxnorm,atc]; see "
                "staging/engine/data/README.md) or point TRD_CATALOGUE_PATH at a valid file.",
                obj="staging.engine.catalogue",
                id="staging.E001",
            )
            for line, message in error.errors
        ]
    return []


@register()
def check_profiles(app_configs=None, **kwargs):
    """staging.E002 — one error per problem, naming the file, the criterion and the problem."""
    folder = profiles_dir()
    try:
        load_profiles(folder)
    except ProfileError as error:
        return [
            Error(
                f"Eligibility profile {file_name}" + (f", criterion {criterion}" if criterion else "") + f": {message}",
                hint=f"Fix the profile in {error.path} (format: docs/eligibility-profiles.md) or point "
                "TRD_PROFILES_DIR at a valid folder.",
                obj="staging.engine.eligibility",
                id="staging.E002",
            )
            for file_name, criterion, message in error.errors
        ]
    return []
