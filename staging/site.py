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


def _named_or_shipped(setting: str, shipped) -> str:
    return str(getattr(settings, setting, None) or shipped)


def _load_once(name: str, shipped, default, load, loaded: dict):
    """The shipped file or folder is the engine's own `default()` (loaded once there); another
    is loaded once per name and kept in `loaded`."""
    if name == str(shipped):
        return default()
    if name not in loaded:
        loaded[name] = load(name)
    return loaded[name]


def catalogue_path() -> str:
    return _named_or_shipped("TRD_CATALOGUE_PATH", SHIPPED_CATALOGUE_PATH)


def configured_catalogue() -> Catalogue:
    """The site's catalogue, loaded once per path. Raises CatalogueError when malformed."""
    return _load_once(catalogue_path(), SHIPPED_CATALOGUE_PATH, default_catalogue, load_catalogue, _loaded)


def profiles_dir() -> str:
    return _named_or_shipped("TRD_PROFILES_DIR", SHIPPED_PROFILES_DIR)


def configured_profiles() -> Profiles:
    """The site's eligibility profiles, loaded once per folder. Raises ProfileError when malformed."""
    return _load_once(profiles_dir(), SHIPPED_PROFILES_DIR, default_profiles, load_profiles, _loaded_profiles)
