"""Django system check: the antidepressant catalogue must be valid before the app starts (rules §2).

`configured_catalogue()` is the catalogue the site runs with: `settings.TRD_CATALOGUE_PATH`
when defined, else the shipped file.
"""

from __future__ import annotations

from django.conf import settings
from django.core.checks import Error, register

from staging.catalogue import SHIPPED_CATALOGUE_PATH, Catalogue, CatalogueError, default_catalogue, load_catalogue

_loaded: dict[str, Catalogue] = {}


def catalogue_path() -> str:
    return str(getattr(settings, "TRD_CATALOGUE_PATH", None) or SHIPPED_CATALOGUE_PATH)


def configured_catalogue() -> Catalogue:
    """The site's catalogue, loaded once per path. Raises CatalogueError when malformed."""
    path = catalogue_path()
    if path == str(SHIPPED_CATALOGUE_PATH):
        return default_catalogue()
    if path not in _loaded:
        _loaded[path] = load_catalogue(path)
    return _loaded[path]


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
                "staging/data/README.md) or point TRD_CATALOGUE_PATH at a valid file.",
                obj="staging.catalogue",
                id="staging.E001",
            )
            for line, message in error.errors
        ]
    return []
