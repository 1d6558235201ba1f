"""Django settings for TRD Clinic. Every deployment value comes from the environment (env.py).

DJANGO_DEBUG          0 (default, production: needs the next two) or 1 (development; scripts/demo.sh,
                      scripts/test.sh and tests/settings.py set it)
DJANGO_SECRET_KEY     required when DJANGO_DEBUG=0; at least 50 characters whenever it is set
DJANGO_ALLOWED_HOSTS  comma-separated host names; required when DJANGO_DEBUG=0
DATABASE_URL          postgres://user@host:5432/db; SQLite file db.sqlite3 when unset
TRD_PAPER_SIZE        A4 (default) or Letter, for PDF staging reports
TRD_CATALOGUE_PATH    a site's own drug catalogue CSV (default: staging/engine/data/catalogue.csv)
TRD_PROFILES_DIR      a site's own folder of eligibility profiles (default: staging/engine/data/profiles)
TRD_TRUSTED_PROXIES   how many reverse proxies in front of Django append to X-Forwarded-For (default 0:
                      the client is REMOTE_ADDR); lock-out and the audit trail use the same address
TRD_AUDIT_HMAC_KEY    key of the audit trail's checkpoints (at least 32 characters); required when
                      DJANGO_DEBUG=0, kept outside the database so a database writer cannot forge them

Request bodies are capped: DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB of form or JSON body, Django's
default made explicit) and FILE_UPLOAD_MAX_MEMORY_SIZE (uploads above 2.5 MB go to a temporary
file instead of memory); a larger body answers 400.
"""

from datetime import timedelta
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured

from trd_clinic.env import database_from_env, env_bool, env_choice, env_int, env_list, env_secret, env_str

BASE_DIR = Path(__file__).resolve().parent.parent

# Off unless asked for: a deployment that forgets the variable runs as production, not with
# tracebacks and a published key.
DEBUG = env_bool("DJANGO_DEBUG", False)

SECRET_KEY = env_secret(
    "DJANGO_SECRET_KEY",
    min_length=50,
    development_default=None if not DEBUG else "development-only-key-not-for-production-use-7c1f0a9e2b-0d4e6a",
)

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS must be set when DJANGO_DEBUG=0, the default (e.g. clinic.example.org); "
        "DJANGO_DEBUG=1 for development."
    )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "crispy_forms",
    "crispy_bootstrap5",
    "rest_framework",
    "drf_spectacular",
    "staging",
    "patients",
    "axes",
    "audit",
    # Two-factor log-in (trd_clinic.accounts): authenticator apps and single-use recovery codes.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "trd_clinic.security.LoginRequiredMiddleware",
    "trd_clinic.accounts.middleware.TwoFactorEnrolmentMiddleware",
    "trd_clinic.security.NoStoreForUsersMiddleware",
    "audit.middleware.AuditRequestMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "trd_clinic.security.ContentSecurityPolicyMiddleware",
    # Last, as django-axes requires: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "trd_clinic.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

WSGI_APPLICATION = "trd_clinic.wsgi.application"

DATABASES = {"default": database_from_env("DATABASE_URL", BASE_DIR / "db.sqlite3")}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Log-in hardening. Axes first: a locked-out user is refused before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
# Per user name and address: a clinic behind one NAT address is not locked out as a whole by
# one person's typos, and nobody can lock a named clinician out from elsewhere.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# A typed user name is stored (and counted) only when it names an account: unknown names from
# one address share a counter, and nothing an anonymous visitor typed is kept.
AXES_USERNAME_CALLABLE = "trd_clinic.accounts.limits.known_username"
# Across user names, one address gets this many failed log-ins per AXES_COOLOFF_TIME (a password
# sprayed over many accounts); high enough for a clinic's shared NAT address (trd_clinic.accounts).
TRD_FAILED_LOGINS_PER_ADDRESS = 30
# Behind reverse proxies, the client is the address the last trusted proxy saw: that many
# entries from the right of X-Forwarded-For (django-ipware). Lock-out (axes) and the audit trail
# (audit.log.client_address) both ask axes, so they always agree.
TRD_TRUSTED_PROXIES = env_int("TRD_TRUSTED_PROXIES", 0, minimum=0, maximum=10)
if TRD_TRUSTED_PROXIES:
    AXES_IPWARE_PROXY_COUNT = TRD_TRUSTED_PROXIES
    # Counted from the right: entries left of our own proxies are whatever the client sent.
    AXES_IPWARE_PROXY_ORDER = "right-most"
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")
else:
    AXES_IPWARE_META_PRECEDENCE_ORDER = ("REMOTE_ADDR",)
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Argon2 first: new and re-hashed passwords use it; older hashes are upgraded at the next log-in.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# The session ends after 30 idle minutes (every request pushes the expiry on) or when the
# browser closes.
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Request bodies: what Django holds in memory per request. Forms and JSON bodies above 2.5 MB
# answer 400 (RequestDataTooBig); uploaded files above 2.5 MB are streamed to a temporary file.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000

# Names on a TOTP enrolment in the authenticator app.
OTP_TOTP_ISSUER = "TRD Clinic"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
# Tests and development serve from the finders; production serves hashed, compressed copies.
WHITENOISE_USE_FINDERS = DEBUG

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# The REST API (patients.api): tokens or the session, JSON only, RFC 9457 problem details for
# every error, a 5 MB body limit and 60 writes a minute per token (patients.api.limits).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "patients.api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",  # with Django's CSRF check
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["patients.api.limits.LimitedJSONParser"],
    "DEFAULT_THROTTLE_CLASSES": ["patients.api.limits.WritesPerTokenThrottle"],
    "EXCEPTION_HANDLER": "patients.api.problems.problem_exception_handler",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "COERCE_DECIMAL_TO_STRING": False,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "TRD Clinic API",
    "DESCRIPTION": "Patients, their current episode, trials, courses and scale scores, and their staging "
    "as of today; stateless staging of rules §10 records. Errors are RFC 9457 problem details.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "COMPONENT_SPLIT_REQUEST": True,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {
        "ScreeningStatusEnum": "patients.models.SCREENING_STATUS_CHOICES",
        "ScaleEnum": "patients.models.SCALE_CHOICES",
    },
}

TRD_PAPER_SIZE = env_choice("TRD_PAPER_SIZE", ("A4", "Letter"), "A4")
# rules §2: a site may edit the catalogue; the ruleset id then changes (staging.engine.catalogue).
TRD_CATALOGUE_PATH = env_str("TRD_CATALOGUE_PATH")
if TRD_CATALOGUE_PATH is not None and not Path(TRD_CATALOGUE_PATH).is_file():
    raise ImproperlyConfigured(f"TRD_CATALOGUE_PATH={TRD_CATALOGUE_PATH!r} is not a readable file.")
# rules §12.1: a site's own folder of eligibility profiles (one JSON file each) instead of the
# shipped ones; the system check staging.E002 names any problem in it.
TRD_PROFILES_DIR = env_str("TRD_PROFILES_DIR")

# The audit trail's checkpoints are signed with this key (audit.checkpoints): someone who can
# write to the database but not read the environment cannot rebuild or cut the chain unseen.
TRD_AUDIT_HMAC_KEY = env_secret(
    "TRD_AUDIT_HMAC_KEY",
    min_length=32,
    development_default=None if not DEBUG else "development-only-audit-checkpoint-key-3f9b2c71",
)

# Patient data never goes to logs: only our own loggers, with messages that carry ids, not
# names; Django's request logger would print full URLs with search terms.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"strip_query_strings": {"()": "trd_clinic.logging.StripQueryStrings"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["strip_query_strings"]}
    },
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {
        "trd_clinic": {"level": "INFO"},
        "staging": {"level": "INFO"},
        "patients": {"level": "INFO"},
        "audit": {"level": "INFO"},
        # Logger filters run before any handler (runserver's own, admin mail): search terms in
        # query strings are gone before a record is written anywhere.
        "django.request": {"filters": ["strip_query_strings"]},
        "django.server": {"filters": ["strip_query_strings"]},
        "axes": {"filters": ["strip_query_strings"]},
    },
}

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
