"""What this site stages with: the shipped catalogue, or the one `TRD_CATALOGUE_PATH` names, and
the shipped eligibility profiles, or the folder `TRD_PROFILES_DIR` names.

The engine takes its catalogue and profiles as arguments; this module is where the Django side
chooses them (rules §2: a site may edit the catalogue, and the ruleset id then changes; rules
§12.1: a site may add, edit or remove profiles, and the ruleset id does not change).
"""

from __future__ import annotations

from django.conf import settings

from staging.engine.catalogue import SHIPPED_CATALOGUE_PATH, Catalogue, default_catalogue, load_catalogue
from staging.engine.eligibility import Profiles, default_profiles, load_profiles
from staging.engine.eligibility.profiles import SHIPPED_PROFILES_DIR

_loaded: dict[str, Catalogue] = {}
_loaded_profiles: dict[str, Profiles] = {}


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


def profiles_dir() -> str:
    return str(getattr(settings, "TRD_PROFILES_DIR", None) or SHIPPED_PROFILES_DIR)


def configured_profiles() -> Profiles:
    """The site's eligibility profiles, loaded once per folder. Raises ProfileError when malformed."""
    folder = profiles_dir()
    if folder == str(SHIPPED_PROFILES_DIR):
        return default_profiles()
    if folder not in _loaded_profiles:
        _loaded_profiles[folder] = load_profiles(folder)
    return _loaded_profiles[folder]
