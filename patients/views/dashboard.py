"""The clinic dashboard (/dashboard/): charts of the caseload, and the clinic's worklist settings."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from patients.access import clinic_of, is_clinic_admin, visible_patients
from patients.dashboard import dashboard_charts, headline
from patients.models import Clinic


@dataclass
class Scope:
    """Whose patients a page counts: the user's clinic, or (superuser) a chosen clinic or all."""

    patients: object  # a Patient queryset
    clinics: list[Clinic]
    clinic: Clinic | None  # None: every clinic (superuser)
    choices: list[Clinic]  # the clinics a superuser may pick from; empty for everyone else


def clinic_scope(request) -> Scope:
    if request.user.is_superuser:
        choices = list(Clinic.objects.all())
        chosen = next((clinic for clinic in choices if str(clinic.pk) == request.GET.get("clinic")), None)
        patients = visible_patients(request.user)
        if chosen is not None:
            return Scope(patients.filter(clinic=chosen), [chosen], chosen, choices)
        return Scope(patients, choices, None, choices)
    clinic = clinic_of(request.user)
    return Scope(visible_patients(request.user), [clinic] if clinic else [], clinic, [])


def scoped_to_clinic(template: str):
    """The view is given the user's clinic_scope; a user of no clinic gets `template` saying so
    (403) instead. A superuser, of no clinic, sees every clinic."""

    def decorate(view):
        @functools.wraps(view)
        def scoped_view(request, *args, **kwargs):
            scope = clinic_scope(request)
            if scope.clinic is None and not request.user.is_superuser:
                return render(request, template, {"no_clinic": True}, status=403)
            return view(request, scope, *args, **kwargs)

        return scoped_view

    return decorate


class ClinicSettingsForm(forms.ModelForm):
    class Meta:
        model = Clinic
        fields = ["reassessment_after_days", "two_factor_required"]
        labels = {
            "reassessment_after_days": "Reassessment due after (days)",
            "two_factor_required": "Every member logs in with a second factor (authenticator app)",
        }
        widgets = {"reassessment_after_days": forms.NumberInput(attrs={"min": 1, "max": 3650})}

    def clean_reassessment_after_days(self):
        days = self.cleaned_data["reassessment_after_days"]
        if not 1 <= days <= 3650:
            raise forms.ValidationError("Give a number of days from 1 to 3650 (ten years).")
        return days


@scoped_to_clinic("patients/dashboard.html")
def dashboard(request, scope: Scope):
    # a superuser sets a clinic's period in the admin (Clinics); a clinic admin here
    settings_form = ClinicSettingsForm(instance=scope.clinic) if is_clinic_admin(request.user) else None
    return _render(request, scope, settings_form)


def _render(request, scope: Scope, settings_form, status: int = 200):
    charts = dashboard_charts(scope.patients, clinic=scope.clinic)
    return render(
        request,
        "patients/dashboard.html",
        {
            "scope": scope,
            "charts": charts,
            "chart_data": {"charts": [chart.as_json() for chart in charts]},
            "headline": headline(charts),
            "settings_form": settings_form,
        },
        status=status,
    )


@require_POST
def clinic_settings(request):
    """The clinic admin sets when a reassessment falls due (the worklist's reason)."""
    if not is_clinic_admin(request.user):
        raise PermissionDenied("Only the clinic's admin changes its settings.")
    scope = clinic_scope(request)
    form = ClinicSettingsForm(request.POST, instance=scope.clinic)
    if not form.is_valid():  # shown again with what was typed and what is wrong
        return _render(request, scope, form, status=400)
    form.save()
    days = form.instance.reassessment_after_days
    messages.success(request, f"Reassessment is now due {days} days after the last assessment.")
    return redirect("patients:dashboard")
