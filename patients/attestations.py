"""Answering eligibility attestations (rules §1.1, §12.2): the clinician confirms a criterion,
records that it does not hold, or leaves it open (withdraws the answer).

Answers belong to the current episode; each change is saved, audited (audit.signals) and
restaged in one transaction, so the patient page, the PDFs and the lists show the new status at
once.
"""

from __future__ import annotations

from django import forms
from django.db import transaction
from django.utils import timezone

from patients.models import Attestation, Episode, Patient
from patients.services import restage
from staging.eligibility_presentation import Answer
from staging.site import configured_profiles

# The form's words for the rules §1.1 answers: true, false, or no answer
CONFIRMED, DOES_NOT_HOLD, OPEN = "confirmed", "does_not_hold", "open"
ANSWER_VALUES = {CONFIRMED: True, DOES_NOT_HOLD: False, OPEN: None}


class NoCurrentEpisode(Exception):
    """Answers belong to the current episode, and there is none."""


class AttestationAnswerForm(forms.Form):
    profile = forms.CharField(max_length=100)
    criterion = forms.CharField(max_length=100)
    answer = forms.ChoiceField(
        choices=[(CONFIRMED, "Confirmed"), (DOES_NOT_HOLD, "Does not hold"), (OPEN, "Left open")],
        error_messages={"required": "Choose confirmed, does not hold, or left open."},
    )

    def clean(self):
        cleaned = super().clean()
        key = f"{cleaned.get('profile')}/{cleaned.get('criterion')}"
        if "profile" in cleaned and "criterion" in cleaned and key not in configured_profiles().attestation_keys:
            raise forms.ValidationError(
                "This criterion is not one the clinician answers in the configured eligibility profiles."
            )
        return cleaned

    @property
    def value(self) -> bool | None:
        return ANSWER_VALUES[self.cleaned_data["answer"]]


def answer_attestation(patient: Patient, profile: str, criterion: str, holds: bool | None, user) -> bool:
    """Record, change or withdraw (`holds` None) one answer, then restage; True when it changed."""
    with transaction.atomic():
        episode = Episode.objects.select_for_update().filter(patient=patient, ended_on__isnull=True).first()
        if episode is None:
            raise NoCurrentEpisode
        existing = Attestation.objects.filter(episode=episode, profile=profile, criterion=criterion).first()
        if holds is None:
            if existing is None:
                return False
            existing.delete()  # one instance: the audit signal records the withdrawal
        elif existing is not None and existing.holds == holds:
            return False
        else:
            answer = existing or Attestation(episode=episode, profile=profile, criterion=criterion)
            answer.holds = holds
            answer.answered_at = timezone.now()
            answer.answered_by = user
            answer.answered_by_name = (user.get_full_name() or user.get_username())[:150]
            answer.save()
        restage(patient)
    return True


def answers_of(episode: Episode | None) -> dict[str, Answer]:
    """The current episode's answers by rules §1.1 key, with who gave them and the local day."""
    if episode is None:
        return {}
    return {
        answer.key: Answer(answer.holds, answer.answered_by_name, timezone.localdate(answer.answered_at))
        for answer in episode.attestations.all()  # prefetched by the page and the report
    }
