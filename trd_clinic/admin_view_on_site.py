"""The admin's "view on site" shortcut (/admin/r/<content type>/<id>/), answering only for
objects the user may see in the admin.

Django's shortcut looks the object up in the whole table: for another clinic's patient it
redirected (302) where a missing id gave 404, telling a clinic admin which ids exist in other
clinics (issue 10 §8). Here the object is looked up through its ModelAdmin's queryset and view
permission, the same scope as its change page, so both cases are the same 404.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin.exceptions import NotRegistered
from django.contrib.contenttypes.models import ContentType
from django.contrib.contenttypes.views import shortcut
from django.http import Http404


def view_on_site(request, content_type_id, object_id):
    try:
        model = ContentType.objects.get_for_id(content_type_id).model_class()
        model_admin = admin.site.get_model_admin(model) if model is not None else None
    except (ContentType.DoesNotExist, NotRegistered):
        model_admin = None
    if model_admin is None:
        raise Http404("No such object.")
    obj = model_admin.get_object(request, object_id)
    if obj is None or not model_admin.has_view_permission(request, obj):
        raise Http404("No such object.")
    return shortcut(request, content_type_id, object_id)
