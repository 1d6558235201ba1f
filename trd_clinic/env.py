"""Read settings from the environment, failing start-up with a message that names the variable.

A misconfigured deployment of a health-data app must not start half-working: every value is
checked here, and the error says which variable is wrong and what it should look like.
"""

from __future__ import annotations

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean: use one of 1, 0, true, false, yes, no, on, off.")


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    items = [item.strip() for item in raw.split(",")]
    if any(not item for item in items):
        raise ImproperlyConfigured(
            f"{name}={raw!r} has an empty entry: give a comma-separated list such as 'clinic.example.org,localhost'."
        )
    return items


def env_str(name: str, default: str | None = None) -> str | None:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    return raw.strip()


def env_int(name: str, default: int, *, minimum: int, maximum: int) -> int:
    raw = env_str(name)
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number.") from None
    if not minimum <= value <= maximum:
        raise ImproperlyConfigured(f"{name}={raw!r} must be between {minimum} and {maximum}.")
    return value


def env_secret(name: str, *, min_length: int, development_default: str | None) -> str:
    """A key: refused when shorter than `min_length` characters; when unset, the development
    default, or (in production, `development_default=None`) a refusal naming the variable."""
    raw = env_str(name)
    if raw is None:
        if development_default is None:
            raise ImproperlyConfigured(
                f"{name} must be set: DJANGO_DEBUG is off (the default), so this runs as production. "
                f"Give {name} a long random value (python3 -c 'import secrets; print(secrets.token_urlsafe(50))'), "
                "or set DJANGO_DEBUG=1 for development (scripts/demo.sh and scripts/test.sh do)."
            )
        return development_default
    if len(raw) < min_length:
        raise ImproperlyConfigured(
            f"{name} is too short ({len(raw)} characters): use at least {min_length} random characters."
        )
    return raw


def env_choice(name: str, choices: tuple[str, ...], default: str) -> str:
    raw = env_str(name, default)
    if raw not in choices:
        raise ImproperlyConfigured(f"{name}={raw!r} must be one of: {', '.join(choices)}.")
    return raw


def database_from_env(name: str, default_sqlite_path) -> dict:
    """`DATABASE_URL` as a Django DATABASES entry; SQLite file when unset."""
    import dj_database_url

    raw = env_str(name)
    if raw is None:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(default_sqlite_path),
            # Writes from the web app and management commands may overlap.
            "OPTIONS": {"timeout": 20},
        }
    if not raw.startswith(("postgres://", "postgresql://", "sqlite://")):
        raise ImproperlyConfigured(
            f"{name} must start with postgres://, postgresql:// or sqlite:// "
            f"(for example postgres://postgres@127.0.0.1:5432/postgres); got a value "
            f"starting with {raw.split(':', 1)[0]!r}."
        )
    try:
        config = dj_database_url.parse(raw, conn_max_age=60, conn_health_checks=True)
    except Exception as error:  # dj-database-url raises several types for bad URLs
        raise ImproperlyConfigured(f"{name} is not a valid database URL: {error}") from None
    if not config.get("NAME"):
        raise ImproperlyConfigured(f"{name} names no database (add /DBNAME at the end).")
    return config
