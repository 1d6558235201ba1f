"""Create and edit a patient's identity: record number, name, date of birth, sex.

The clinic is never typed: it is the user's own clinic. Only a superuser (who may belong to no
clinic) chooses one, and only when creating.
"""

from __future__ import annotations

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from patients.concurrency import SeenVersionMixin, claim_version
from patients.forms.dates import DATE_INPUT, check_clinical_date
from patients.models import Clinic, Patient
from staging.engine.calendar import add_years

OLDEST_AGE_YEARS = 130  # rules §1.1: age 0–130


def check_date_of_birth(born: date) -> date:
    """Not in the future, not before 1900, and an age the rules accept (rules §1.1)."""
    check_clinical_date(born, "The date of birth cannot be")
    if born < add_years(timezone.localdate(), -OLDEST_AGE_YEARS):
        raise ValidationError(f"The date of birth is more than {OLDEST_AGE_YEARS} years ago: check the year.")
    return born


class PatientForm(SeenVersionMixin, forms.ModelForm):
    clinic = forms.ModelChoiceField(
        queryset=Clinic.objects.all(), required=True, help_text="As a superuser, choose the patient's clinic."
    )

    class Meta:
        model = Patient
        fields = ["record_number", "name", "date_of_birth", "sex"]
        widgets = {"date_of_birth": DATE_INPUT}
        help_texts = {"record_number": "The clinic's own record number; unique within the clinic."}
        error_messages = {
            "record_number": {"required": "Enter the record number."},
            "name": {"required": "Enter the patient's name."},
            "date_of_birth": {"required": "Enter the date of birth.", "invalid": "Enter the date of birth as a date."},
        }

    def __init__(self, *args, clinic: Clinic | None, choose_clinic: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.clinic = clinic if self.instance.pk is None else self.instance.clinic
        if choose_clinic and self.instance.pk is None:
            self.fields["clinic"].initial = clinic
            self.order_fields(["clinic"])
        else:
            del self.fields["clinic"]

    def clean_record_number(self):
        return self.cleaned_data["record_number"].strip()

    def clean_name(self):
        return self.cleaned_data["name"].strip()

    def clean_date_of_birth(self):
        return check_date_of_birth(self.cleaned_data["date_of_birth"])

    def clean(self):
        cleaned = super().clean()
        clinic = cleaned.get("clinic", self.clinic)
        record_number = cleaned.get("record_number")
        if clinic is not None and record_number:
            taken = Patient.objects.filter(clinic=clinic, record_number=record_number)
            if self.instance.pk is not None:
                taken = taken.exclude(pk=self.instance.pk)
            if taken.exists():
                self.add_error("record_number", f"Record number {record_number} is already used in this clinic.")
        return cleaned

    def validate_unique(self):
        # The clinic is not a form field, so Django cannot check (clinic, record_number): clean() does.
        pass

    def save(self, commit=True):
        """Call inside a transaction: an edit claims the version the clinician saw (EditConflict)."""
        patient = super().save(commit=False)
        if patient.pk is None:
            patient.clinic = self.cleaned_data.get("clinic", self.clinic)
            if commit:
                patient.save()
            return patient
        claim_version(patient, self.seen_version, "This patient's record")
        if commit:
            # Only the form's fields: the staging columns belong to patients.services.restage.
            patient.save(update_fields=[*self._meta.fields, "version", "updated_at"])
        return patient
