"""ECT and other courses of the current episode (rules §1.3)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from patients.concurrency import SeenVersionMixin
from patients.forms.dates import DATE_INPUT, born_of, check_clinical_date
from patients.forms.rows import EntryRowsFormSet, episode_rows_formset, show_plain_decimals
from patients.models import EctCourse, OtherCourse

MAX_COURSES = 100


class EctCourseForm(SeenVersionMixin, forms.ModelForm):
    class Meta:
        model = EctCourse
        fields = ("electrode_placement", "sessions", "outcome", "started_on")
        widgets = {"started_on": DATE_INPUT}
        labels = {"electrode_placement": "Electrode placement", "sessions": "Sessions", "started_on": "Start date"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        course = self.instance
        started = f" started {course.started_on:%d %b %Y}" if course.started_on else ""
        self.description = f"The ECT course{started}" if course.pk else "An ECT course"

    def clean_sessions(self):
        sessions = self.cleaned_data.get("sessions")
        if sessions is not None and sessions <= 0:
            raise ValidationError("Sessions must be more than 0")
        return sessions

    def clean_started_on(self):
        return check_clinical_date(
            self.cleaned_data.get("started_on"), "The ECT course cannot start", born_of(self.instance)
        )


class OtherCourseForm(SeenVersionMixin, forms.ModelForm):
    class Meta:
        model = OtherCourse
        fields = ("kind", "weeks", "outcome", "started_on")
        widgets = {"started_on": DATE_INPUT}
        labels = {"kind": "Treatment", "weeks": "Weeks", "started_on": "Start date"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].choices = [("", "Not stated"), *self.fields["outcome"].choices[1:]]
        show_plain_decimals(self)
        course = self.instance
        self.description = f"The {course.get_kind_display()} course" if course.pk else "A course"

    def clean_weeks(self):
        weeks = self.cleaned_data.get("weeks")
        if weeks is not None and weeks <= 0:
            raise ValidationError("Weeks must be more than 0")
        return weeks

    def clean_started_on(self):
        return check_clinical_date(
            self.cleaned_data.get("started_on"), "The course cannot start", born_of(self.instance)
        )


class CourseRows(EntryRowsFormSet):
    remove_label = "Remove this course"


EctCourseFormSet = episode_rows_formset(EctCourse, EctCourseForm, max_rows=MAX_COURSES, formset=CourseRows)
OtherCourseFormSet = episode_rows_formset(OtherCourse, OtherCourseForm, max_rows=MAX_COURSES, formset=CourseRows)
