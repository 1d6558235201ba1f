"""What this site stages with: the shipped catalogue, or the one `TRD_CATALOGUE_PATH` names.

The engine takes its catalogue as an argument; this module is where the Django side chooses it
(rules §2: a site may edit the catalogue, and the ruleset id then changes).
"""

from __future__ import annotations

from django.conf import settings

from staging.engine.catalogue import SHIPPED_CATALOGUE_PATH, Catalogue, default_catalogue, load_catalogue

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
