"""The "Clinic admins" group: the Django model permissions a clinic admin needs in the admin.

Which patients they reach is decided separately, per object, by patients.access (their clinic
only); these permissions only open the admin pages. Staging columns are never editable there,
whatever the permission (they are written by patients.services.restage).
"""

from __future__ import annotations

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission

CLINIC_ADMINS_GROUP = "Clinic admins"

# model name -> actions (rules of the issue: view/change/add patients, view everything under them)
CLINIC_ADMIN_PERMISSIONS = {
    "patient": ("view", "change", "add"),
    "episode": ("view",),
    "trial": ("view",),
    "augmentation": ("view",),
    "ectcourse": ("view",),
    "othercourse": ("view",),
    "scalescore": ("view",),
    "stagingsnapshot": ("view",),
}


def clinic_admin_group() -> Group:
    """The group with exactly its permissions; creates or repairs it (safe to call repeatedly)."""
    codenames = [f"{action}_{model}" for model, actions in CLINIC_ADMIN_PERMISSIONS.items() for action in actions]
    permissions = list(Permission.objects.filter(content_type__app_label="patients", codename__in=codenames))
    if len(permissions) < len(codenames):
        # Permissions are created after migrations; a fresh test database may not have them yet.
        create_permissions(global_apps.get_app_config("patients"), verbosity=0)
        permissions = list(Permission.objects.filter(content_type__app_label="patients", codename__in=codenames))
    permissions += _staging_permissions()
    group, _ = Group.objects.get_or_create(name=CLINIC_ADMINS_GROUP)
    group.permissions.set(permissions)
    return group


# The register of generated staging reports (staging app), read-only in the admin.
STAGING_PERMISSIONS = ("view_generatedreport",)


def _staging_permissions() -> list[Permission]:
    found = list(Permission.objects.filter(content_type__app_label="staging", codename__in=STAGING_PERMISSIONS))
    if len(found) < len(STAGING_PERMISSIONS):
        create_permissions(global_apps.get_app_config("staging"), verbosity=0)
        found = list(Permission.objects.filter(content_type__app_label="staging", codename__in=STAGING_PERMISSIONS))
    return found


def make_clinic_admin_user(user) -> None:
    """Give a user with a clinic_admin membership access to the admin (staff + the group)."""
    if not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    user.groups.add(clinic_admin_group())


def create_group_after_migrate(sender, **kwargs) -> None:
    """post_migrate receiver: every deployment has the group once migrations have run."""
    clinic_admin_group()
