"""ECT and other courses of the current episode (rules §1.3)."""

from __future__ import annotations

from django import forms

from patients.concurrency import SeenVersionMixin
from patients.forms.dates import DATE_INPUT, check_form_date
from patients.forms.rows import EntryRowsFormSet, check_more_than_zero, episode_rows_formset, show_plain_decimals
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
        return check_more_than_zero(self.cleaned_data.get("sessions"), "Sessions must be more than 0")

    def clean_started_on(self):
        return check_form_date(self, "started_on", "The ECT course cannot start")


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
        return check_more_than_zero(self.cleaned_data.get("weeks"), "Weeks must be more than 0")

    def clean_started_on(self):
        return check_form_date(self, "started_on", "The course cannot start")


class CourseRows(EntryRowsFormSet):
    remove_label = "Remove this course"


EctCourseFormSet = episode_rows_formset(EctCourse, EctCourseForm, max_rows=MAX_COURSES, formset=CourseRows)
OtherCourseFormSet = episode_rows_formset(OtherCourse, OtherCourseForm, max_rows=MAX_COURSES, formset=CourseRows)
