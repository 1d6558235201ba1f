"""Every URL of the project, as every kind of user, with real objects behind every parameter.

The URL list comes from the resolver, so a new URL is walked without anyone editing this file;
a new URL *parameter* (or an unnamed regex route) fails `test_every_url_parameter_is_mapped`
until `value_for` below knows which real object to put there.

Expected, for GET:
- anonymous: the log-in page (admin URLs: the admin log-in page), except the log-in pages;
- a clinician of clinic A: their own patient's pages work; the admin sends them to its log-in;
- a clinician of clinic B, and a clinic admin of clinic B: 404 for every page of A's patient;
  in the admin, A's objects answer a redirect or 404 — or 403 where the admin refuses that
  action on the whole model to them (the answer is then the same for every id, so it reveals
  nothing) — never the object;
- the clinic admin of A and a superuser: their pages work;
- nobody, ever: a 500.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from urllib.parse import urlsplit

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.test import RequestFactory
from django.urls import URLPattern, URLResolver, get_resolver
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import AuditEntry
from patients.models import Membership, ScaleScore
from tests.factories import (
    make_clinic,
    make_ect,
    make_generated_report,
    make_other_course,
    make_staged_trd_patient,
    make_user,
)

ADMIN_LOGIN = "/admin/login/"
LOGIN = "/accounts/login/"

# Regex routes cannot be filled in generically: each one is listed (by name, or by pattern when
# unnamed) with the paths to visit.
REGEX_ROUTES = {
    # The admin builds this regex from the registered apps: every one of them is visited.
    "admin:app_list": lambda world: sorted({f"/admin/{model._meta.app_label}/" for model in admin.site._registry}),
    "admin/(?P<url>.*)$": lambda world: ["/admin/no-such-page/"],
    "api:not_found": lambda world: ["/api/v1/no-such-thing"],
}

# Views that only answer with query parameters: the ones they are used with.
QUERY_STRINGS = {"admin:autocomplete": "?app_label=patients&model_name=membership&field_name=clinic"}

# The admin's "no such page" answers 404 to everyone, and an app's index answers 404 to a user
# with no model in that app: Django's admin behaviour, not an object lookup.
ADMIN_CATCH_ALL = "admin/(?P<url>.*)$"

# The admin's "view on site" shortcut (trd_clinic.admin_view_on_site answers it in scope).
VIEW_ON_SITE = {"admin:view_on_site", "admin_view_on_site_in_scope"}

# URL namespaces whose `pk` is a patient id.
PATIENT_PK_NAMESPACES = {"patients", "staging", "audit", "api"}

# The API's row ids: the world's rows of the patient, by URL name.
API_ROWS = {
    ("api:episode", "episode_id"): lambda patient: patient.episodes.get(ended_on__isnull=True).pk,
    ("api:trial", "row_id"): lambda patient: patient.episodes.get(ended_on__isnull=True).trials.first().pk,
    ("api:ect_course", "row_id"): lambda patient: patient.episodes.get(ended_on__isnull=True).ect_courses.first().pk,
    ("api:other_course", "row_id"): lambda patient: (
        patient.episodes.get(ended_on__isnull=True).other_courses.first().pk
    ),
    ("api:scale_score", "row_id"): lambda patient: patient.episodes.get(ended_on__isnull=True).scale_scores.first().pk,
    ("patients:import_review", "batch"): lambda patient: _import_batch(patient).pk,
}


def _import_batch(patient):
    """A pending import of the patient (patients.imports), with one proposed score."""
    from django.utils import timezone

    from patients.models import ImportBatch

    proposal = {"episode": None, "trials": [], "ect_courses": [], "other_courses": [], "notices": []}
    proposal["scores"] = [{"source": "row 2", "fields": {"scale": "PHQ-9", "score": "12", "rated_on": "2025-01-06"}}]
    return ImportBatch.objects.create(
        patient=patient,
        file_name="history.csv",
        file_format="csv",
        sha256="0" * 64,
        byte_size=100,
        uploaded_at=timezone.now(),
        uploaded_by_name="clin_a",
        proposal=proposal,
    )


# Pages a role must not reach although the patient is in its clinic (the expected answer).
BY_DESIGN = {("audit:patient_history", "clinician_a"): 404}


@dataclass(frozen=True)
class Route:
    name: str | None
    pattern: str
    is_regex: bool
    parameters: tuple[str, ...]

    @property
    def is_admin(self) -> bool:
        return self.pattern.startswith("admin/")


def _parameters(pattern) -> tuple[str, ...]:
    converters = getattr(pattern, "converters", None)
    if converters is not None and hasattr(pattern, "_route"):
        return tuple(converters)
    return tuple(pattern.regex.groupindex)


def all_routes(resolver=None, prefix: str = "", namespaces: tuple = ()) -> list[Route]:
    resolver = resolver or get_resolver()
    routes = []
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            ns = namespaces + ((entry.namespace,) if entry.namespace else ())
            routes += all_routes(entry, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            is_regex = not hasattr(entry.pattern, "_route")
            routes.append(
                Route(
                    name=":".join(namespaces + (entry.name,)) if entry.name else None,
                    pattern=prefix + str(entry.pattern),
                    is_regex=is_regex,
                    parameters=_parameters(entry.pattern),
                )
            )
    return routes


@dataclass
class World:
    clinic_a: object
    clinic_b: object
    users: dict
    patient: object
    admin_objects: dict = field(default_factory=dict)  # "app.model" -> instance


def build_world() -> World:
    clinic_a, clinic_b = make_clinic("Clinic A"), make_clinic("Clinic B")
    users = {
        "clinician_a": make_user(clinic_a, username="clin_a"),
        "clinician_b": make_user(clinic_b, username="clin_b"),
        "admin_a": make_user(clinic_a, role=Membership.CLINIC_ADMIN, username="admin_a"),
        "admin_b": make_user(clinic_b, role=Membership.CLINIC_ADMIN, username="admin_b"),
        "superuser": make_user(None, username="root", is_staff=True, is_superuser=True),
    }
    patient = make_staged_trd_patient(clinic_a, name="Walk Patient", record_number="WALK-1")
    episode = patient.episodes.get(ended_on__isnull=True)
    make_ect(episode)
    make_other_course(episode)
    ScaleScore.objects.create(episode=episode, scale="PHQ-9", score=18, rated_on=date(2024, 9, 1))
    world = World(clinic_a, clinic_b, users, patient)
    world.admin_objects = {
        "auth.group": Group.objects.get_or_create(name="Clinic admins")[0],
        "auth.user": users["clinician_a"],
        "patients.patient": patient,
        "patients.episode": episode,
        "patients.clinic": clinic_a,
        "patients.membership": users["clinician_a"].membership,
        "axes.accessattempt": AccessAttempt.objects.create(
            username="clin_a", ip_address="10.0.0.1", user_agent="test", failures_since_start=1
        ),
        "axes.accesslog": AccessLog.objects.create(username="clin_a", ip_address="10.0.0.1", user_agent="test"),
        "axes.accessfailurelog": AccessFailureLog.objects.create(
            username="clin_a", ip_address="10.0.0.1", user_agent="test", locked_out=False
        ),
        "audit.auditentry": AuditEntry.objects.filter(clinic_id=clinic_a.pk).order_by("pk").first(),
        "otp_totp.totpdevice": TOTPDevice.objects.create(user=users["admin_a"], name="app", confirmed=True),
        "otp_static.staticdevice": StaticDevice.objects.create(user=users["admin_a"], name="codes", confirmed=True),
        "staging.generatedreport": make_generated_report(patient, generated_by="clin_a"),
    }
    return world


# Admin models whose objects belong to one clinic: another clinic's admin must not reach them.
CLINIC_SCOPED_ADMIN_MODELS = {
    "auth.user",
    "patients.patient",
    "patients.episode",
    "patients.clinic",
    "patients.membership",
    "audit.auditentry",
    "staging.generatedreport",
}


def value_for(route: Route, parameter: str, world: World):
    namespace = route.name.split(":")[0] if route.name and ":" in route.name else None
    if parameter == "pk" and namespace in PATIENT_PK_NAMESPACES:
        return world.patient.pk
    if (route.name, parameter) in API_ROWS:
        return API_ROWS[(route.name, parameter)](world.patient)
    if route.is_admin or route.name == "admin_view_on_site_in_scope":
        if route.name in VIEW_ON_SITE:
            return {
                "content_type_id": ContentType.objects.get_for_model(world.patient).pk,
                "object_id": world.patient.pk,
            }[parameter]
        model_label = _admin_model_label(route)
        if model_label and parameter in ("object_id", "id", "pk"):
            return world.admin_objects[model_label].pk
    raise LookupError(f"No real object mapped for parameter {parameter!r} of URL {route.name or route.pattern!r}")


def _admin_model_label(route: Route) -> str | None:
    match = re.match(r"admin/([a-z_]+)/([a-z_]+)/", route.pattern)
    return f"{match.group(1)}.{match.group(2)}" if match else None


def paths_for(route: Route, world: World) -> list[str]:
    if route.is_regex:
        key = route.name or route.pattern
        if key not in REGEX_ROUTES:
            raise LookupError(f"Regex URL {key!r} is not listed in REGEX_ROUTES")
        return REGEX_ROUTES[key](world)
    path = route.pattern
    for parameter in route.parameters:
        value = value_for(route, parameter, world)
        path, replaced = re.subn(rf"<(?:\w+:)?{parameter}>", str(value), path)
        assert replaced == 1, (route, parameter)
    return ["/" + path + QUERY_STRINGS.get(route.name, "")]


def _refused_on_whole_model(route: Route, user) -> bool:
    """True when the admin refuses this action on every object of the model to this user."""
    label = _admin_model_label(route)
    if label is None:
        return False
    model_admin = next(ma for model, ma in admin.site._registry.items() if model._meta.label_lower == label)
    request = RequestFactory().get("/")
    request.user = user
    if route.name and route.name.endswith("_delete"):
        return not model_admin.has_delete_permission(request)
    if route.name and route.name.endswith("_add"):
        return not model_admin.has_add_permission(request)
    if route.name and route.name.endswith("_password_change"):
        return not model_admin.has_change_permission(request)
    return not model_admin.has_view_or_change_permission(request)


def _location(response) -> str:
    return urlsplit(response.get("Location", "")).path


def check(route: Route, path: str, role: str, response, world: World) -> str | None:
    """None when the answer is right, else what is wrong."""
    status = response.status_code
    if status >= 500:
        return f"server error {status}"
    user = world.users.get(role)
    expected_by_design = BY_DESIGN.get((route.name, role))
    if expected_by_design is not None:
        return None if status == expected_by_design else f"expected {expected_by_design} by design, got {status}"

    if route.is_admin:
        return _check_admin(route, role, response, user, world)

    if route.name == "api:not_found":
        return None if status in (401, 404) else f"the API's unknown path answered {status}"
    if route.pattern.startswith("api/v1/") and role == "anonymous" and status == 401:
        return None  # an API answers 401 (its HTML documentation page sends to the log-in instead)

    if role == "anonymous":
        if route.name == "login":
            return None if status == 200 else f"log-in page answered {status}"
        return (
            None if status == 302 and _location(response) == LOGIN else f"anonymous got {status} {_location(response)}"
        )
    patient_page = "pk" in route.parameters
    if patient_page and role in ("clinician_b", "admin_b"):
        return None if status == 404 else f"another clinic's patient answered {status}, not 404"
    if status in (403, 404):
        return f"{status} for a page this role may use"
    if (
        status == 200
        and patient_page
        and world.patient.name.encode() not in response.content
        and response["Content-Type"].startswith("text/html")
    ):
        return "the patient page does not show the patient"
    return None


def _check_admin(route: Route, role: str, response, user, world: World) -> str | None:
    status = response.status_code
    location = _location(response)
    if route.name in ("admin:login", "admin_login_two_factor"):
        return None if status in (200, 302) else f"admin log-in answered {status}"
    if role == "anonymous" or (user is not None and not user.is_staff):
        if route.name == "admin:logout" and status in (302, 405):
            return None
        # the admin's log-in, or the site's (with the second factor) where the admin's one leads
        return None if status == 302 and location in (ADMIN_LOGIN, LOGIN) else f"got {status} {location}, not a log-in"

    label = _admin_model_label(route)
    has_object = "object_id" in route.parameters or "id" in route.parameters
    if status == 403:
        if route.name == "admin:autocomplete":  # the membership admin it serves is for superusers
            return None if not user.is_superuser else "autocomplete refused a superuser"
        return None if _refused_on_whole_model(route, user) else "403 for an action this user may take on the model"
    if status == 404 and (
        route.pattern == ADMIN_CATCH_ALL or (route.name == "admin:app_list" and not user.is_superuser)
    ):
        return None
    if status == 404:
        if has_object and label in CLINIC_SCOPED_ADMIN_MODELS and role == "admin_b":
            return None
        if route.name in VIEW_ON_SITE and role == "admin_b":  # another clinic's id: as if missing (§8)
            return None
        return "404 in the admin"
    if has_object and label in CLINIC_SCOPED_ADMIN_MODELS and role == "admin_b" and status == 200:
        return "another clinic's object was shown"
    return None


ROLES = ["anonymous", "clinician_a", "clinician_b", "admin_a", "admin_b", "superuser"]


def test_every_url_parameter_is_mapped(db):
    world = build_world()
    unmapped = []
    for route in all_routes():
        try:
            paths_for(route, world)
        except (LookupError, KeyError) as missing:
            unmapped.append(str(missing))
    assert unmapped == []


def test_the_walk_covers_the_projects_url_namespaces(db):
    names = {route.name for route in all_routes()}
    assert {
        "patients:detail",
        "patients:list",
        "staging:report",
        "audit:patient_history",
        "admin:patients_patient_change",
        "login",
    } <= names


@pytest.mark.parametrize("role", ROLES)
def test_every_url_answers_each_role_correctly(client, role):
    world = build_world()
    problems = []
    visited = 0
    for route in all_routes():
        for path in paths_for(route, world):
            client.logout()
            if role != "anonymous":
                client.force_login(world.users[role])
            try:
                response = client.get(path)
            except Exception as error:  # an exception in the test client is a 500 in production
                problems.append(f"{path} [{route.name}]: raised {error!r}")
                continue
            visited += 1
            problem = check(route, path, role, response, world)
            if problem:
                problems.append(f"{path} [{route.name}]: {problem}")
    assert visited >= 70
    assert problems == [], "\n".join(problems)


# ---------------------------------------------------------------------------------------------
# Every view that shows patient data writes an audit entry (issue 10 §2).
#
# A view shows patient data when its URL takes a patient (`pk` outside the admin; `object_id`
# of the patient-scoped admin models), or when it is one of the few views listed as showing a
# set of patients. Every other URL must be listed in NO_PATIENT_DATA with the reason: a new URL
# is therefore either audited or explained, never silently unaudited.

# Admin models whose object pages show one patient's data.
PATIENT_ADMIN_MODELS = {"patients.patient", "patients.episode"}

# Views that show many patients: they record the ids they showed (audit.log.record_patient_set).
PATIENT_SET_VIEWS = {
    "patients:list": "the patient list and its search",
    "patients:worklist": "the clinic's work list",
    "patients:worklist_csv": "the work list as CSV",
    "api:patients": "the API's list of patients",
    "admin:patients_patient_changelist": "the admin's patient list",
    "admin:patients_episode_changelist": "the admin's episode list (patient names)",
}

NO_PATIENT_DATA = {
    "login": "the log-in form",
    "logout": "log-out: writes a `logout` entry itself, shows nothing (POST only)",
    "api_tokens": "the user's own API tokens",
    "accounts:two_factor": "the user's own second factor",
    "accounts:two_factor_enrol": "the user's own second factor",
    "accounts:two_factor_recovery_codes": "the user's own recovery codes",
    "accounts:two_factor_reset": "resetting the user's own second factor",
    "accounts:two_factor_verify": "the log-in's second step",
    "admin_login_two_factor": "sends the admin's log-in to the two-factor log-in",
    "patients:create": "an empty form for a new patient",
    "patients:dashboard": "counts and charts of the clinic, no patient named",
    "patients:clinic_settings": "the clinic's settings (POST only)",
    "api:schema": "the API's description",
    "api:docs": "the API's documentation page",
    "api:stage": "stateless staging of a posted record, no stored patient",
    "api:not_found": "404 for unknown API paths",
    "admin_view_on_site_in_scope": "a redirect to the patient's page (which audits)",
    "admin:view_on_site": "a redirect to the patient's page (which audits)",
    "admin:index": "the admin's home: model names",
    "admin:app_list": "an app's model names",
    "admin:login": "the admin log-in",
    "admin:logout": "log-out",
    "admin:password_change": "the user's own password",
    "admin:password_change_done": "the user's own password",
    "admin:autocomplete": "clinic names for a membership form",
    "admin:jsi18n": "the admin's translations",
    "admin:patients_patient_add": "an empty form",
    "admin:patients_episode_add": "refused: episodes are read-only in the admin",
    "admin:audit_auditentry_changelist": "audit entries: user names, actions and patient ids, no patient data",
    "admin:audit_auditentry_change": "one audit entry: field changes of a record, reviewed by the clinic admin",
    "admin:audit_auditentry_history": "the admin history of an audit entry (none: read-only)",
    "admin:staging_generatedreport_changelist": "report records: patient ids and SHA-256, no patient data",
    "admin:staging_generatedreport_change": "one report record (id, SHA-256, pages)",
    "admin:staging_generatedreport_history": "the admin history of a report record",
}
# Whole groups of admin URLs that never show patient data: accounts, clinics, lock-out records,
# and add/delete/history pages of models without patient data.
NO_PATIENT_DATA_ADMIN_MODELS = {
    "auth.user": "user accounts",
    "auth.group": "permission groups",
    "patients.clinic": "clinics",
    "patients.membership": "who belongs to which clinic",
    "axes.accessattempt": "lock-out records (known user names and addresses)",
    "axes.accesslog": "log-in records",
    "axes.accessfailurelog": "failed log-in records",
    "audit.auditentry": "the audit trail (refuses add and delete)",
    "staging.generatedreport": "report records (refuse add and delete)",
    "otp_totp.totpdevice": "second-factor devices",
    "otp_static.staticdevice": "recovery-code devices",
}


def _audit_kind(route: Route) -> str:
    """'patient', 'set' or 'none' (with a listed reason); LookupError for an unexplained URL."""
    if route.name in PATIENT_SET_VIEWS:
        return "set"
    label = _admin_model_label(route)
    if route.is_admin and label in PATIENT_ADMIN_MODELS and "object_id" in route.parameters:
        # the unnamed admin/<model>/<id>/ URL only redirects to the change page
        return "patient" if route.name else "none"
    if not route.is_admin and "pk" in route.parameters:
        return "patient"
    if route.name in NO_PATIENT_DATA or (route.is_regex and route.pattern in REGEX_ROUTES):
        return "none"
    if route.is_admin and label in NO_PATIENT_DATA_ADMIN_MODELS:
        return "none"
    raise LookupError(
        f"URL {route.name or route.pattern!r} is not classified: if it shows patient data, audit it "
        "(audits_patient_read / record_patient_set) and list it in PATIENT_SET_VIEWS when it shows many; "
        "otherwise add it to NO_PATIENT_DATA with the reason"
    )


def _recorded_patients(new_entries) -> set[int]:
    ids = set()
    for entry in new_entries:
        if entry.patient_id is not None:
            ids.add(entry.patient_id)
        ids.update(entry.patient_set_ids)
    return ids


def test_every_url_is_classified_as_showing_patient_data_or_not(db):
    unexplained = []
    for route in all_routes():
        try:
            _audit_kind(route)
        except LookupError as missing:
            unexplained.append(str(missing))
    assert unexplained == [], "\n".join(unexplained)


def test_every_view_that_shows_patient_data_writes_an_audit_entry(client):
    """As the patient's clinic admin (who may open every page of theirs, admin included): each
    patient-data view that answered with content wrote an entry naming the patient."""
    world = build_world()
    client.force_login(world.users["admin_a"])
    unaudited, walked = [], []
    for route in all_routes():
        try:
            kind = _audit_kind(route)
            paths = paths_for(route, world) if kind != "none" else []
        except LookupError as missing:
            unaudited.append(str(missing))
            continue
        for path in paths:
            last = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            response = client.get(path)
            if not (200 <= response.status_code < 300):
                continue  # showed nothing (a redirect, a refusal, POST only)
            walked.append(route.name)
            new_entries = list(AuditEntry.objects.filter(pk__gt=last))
            if world.patient.pk not in _recorded_patients(new_entries):
                unaudited.append(
                    f"{path} [{route.name}] showed patient data and wrote no audit entry naming the patient"
                )
    assert unaudited == [], "\n".join(unaudited)
    assert {"patients:detail", "patients:list", "patients:trials", "admin:patients_patient_change"} <= set(walked)


def test_the_admin_csv_export_records_every_patient_it_contained(client):
    world = build_world()
    other = make_staged_trd_patient(world.clinic_a, name="Second Patient", record_number="WALK-2")
    client.force_login(world.users["admin_a"])
    response = client.post(
        "/admin/patients/patient/",
        {"action": "export_staging_csv", "_selected_action": [world.patient.pk, other.pk]},
    )
    assert response.status_code == 200
    b"".join(response.streaming_content)
    export = AuditEntry.objects.filter(action=AuditEntry.EXPORT_CSV).get()
    assert export.patient_set_ids == sorted([world.patient.pk, other.pk])
    assert export.user == world.users["admin_a"]
    assert set(AuditEntry.objects.for_patient(other.pk).values_list("action", flat=True)) >= {AuditEntry.EXPORT_CSV}
