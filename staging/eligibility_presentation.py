"""Treatment eligibility (rules §12) as a person reads it: one presentation for the patient page's
panel, the staging report's "Eligibility" section and the prior-authorisation packet.

`present_eligibility` reads the stored §10 result (`eligibility`), the staging's trial and course
rows (staging.presentation, so evidence is written exactly as the trial table writes it), the
record's scale scores, and the clinician's answers to attestation criteria (who and when, which
the database keeps). Every state, role, status and treatment is worded by
staging.engine.vocabulary; nothing here decides a state — the engine did (rules §7).

A small presenter beside staging/presentation.py, so that module's owner can fold it in.
Plain Python: it reads dicts, dates and rows, never the database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from staging.engine import vocabulary
from staging.presentation import CourseRow, TrialRow, day


@dataclass(frozen=True, slots=True)
class Answer:
    """A clinician's answer to an attestation criterion, as the database keeps it."""

    holds: bool
    answered_by: str
    answered_on: date  # the local day it was given


@dataclass(frozen=True, slots=True)
class EvidenceRow:
    """A trial, course or score a criterion cites, linked to its row on the patient page."""

    anchor: str  # "trial-2", "course-1", "score-3": the id of the patient page's row
    kind: str  # "Trial", "ECT", "rTMS", "Scale score", ...
    text: str  # the row in one line
    trial: TrialRow | None = None  # the packet prints a trial's figures in columns
    score: Mapping | None = None
    day: str = ""  # a score's rating day, "2 Dec 2026"


@dataclass(frozen=True, slots=True)
class AttestationView:
    key: str  # "<profile id>/<criterion id>" (rules §1.1)
    criterion: str
    answer: bool | None  # None: left open
    answer_label: str  # "Confirmed", "Does not hold", "Left open"
    answered_by: str
    answered_on: str  # "2 Dec 2026", "" when open


@dataclass(frozen=True, slots=True)
class CriterionView:
    id: str
    role: str | None
    role_label: str
    kind: str
    state: str
    state_label: str
    text: str
    note: str
    explanation: str
    evidence: tuple[EvidenceRow, ...]
    items: tuple[CriterionView, ...]
    attestation: AttestationView | None  # for an attestation criterion (or any_of item)

    @property
    def attestations(self) -> tuple[AttestationView, ...]:
        """This criterion's attestation, or its any_of items' ones."""
        own = (self.attestation,) if self.attestation else ()
        return own + tuple(item.attestation for item in self.items if item.attestation)


@dataclass(frozen=True, slots=True)
class ProfileView:
    id: str
    version: str
    title: str
    treatment: str  # in words
    issuer: str
    source_title: str
    source_date: str
    source_url: str
    checked_on: str  # "2 Dec 2026"
    status: str  # the code: eligible, not_eligible, incomplete
    status_label: str
    explanation: str
    criteria: tuple[CriterionView, ...]

    @property
    def anchor(self) -> str:
        return "eligibility-" + self.id.replace(".", "-")

    @property
    def attestations(self) -> tuple[AttestationView, ...]:
        return tuple(answer for criterion in self.criteria for answer in criterion.attestations)

    @property
    def trials(self) -> tuple[TrialRow, ...]:
        """Every trial some criterion cites, once, in input order (the packet's trial table)."""
        found: dict[int, TrialRow] = {}
        for criterion in self.criteria:
            for row in criterion.evidence:
                if row.trial is not None:
                    found[row.trial.number] = row.trial
        return tuple(found[number] for number in sorted(found))


def _source_date(value: str) -> str:
    """ "2019-02-15" -> "15 Feb 2019"; a month or a year is shown as given."""
    return day(value) if len(value or "") == 10 else (value or "")


def trial_evidence(row: TrialRow) -> EvidenceRow:
    parts = [f"{row.dose} mg/day" + (f" (minimum {row.min_dose})" if row.min_dose else "")]
    parts.append(f"{row.weeks} weeks at dose")
    parts.append(f"adherence {row.adherence}")
    parts.append(row.outcome.lower() if row.outcome else "")
    if row.started_on:
        parts.append(f"from {row.started_on}" + (f" to {row.ended_on}" if row.ended_on else ""))
    text = f"{row.drug} (trial {row.number}): " + ", ".join(part for part in parts if part)
    return EvidenceRow(f"trial-{row.number}", "Trial", text, trial=row)


def course_evidence(row: CourseRow) -> EvidenceRow:
    text = f"{row.treatment} (course {row.number}): {row.details}, {row.outcome.lower()}"
    if row.started_on:
        text += f", from {row.started_on}"
    return EvidenceRow(f"course-{row.number}", row.treatment, text)


def score_evidence(index: int, score: Mapping) -> EvidenceRow:
    rated_on = day(score.get("rated_on"))
    text = f"{score.get('scale')} {score.get('score')} on {rated_on}"
    return EvidenceRow(f"score-{index + 1}", "Scale score", text, score=score, day=rated_on)


def _evidence(
    evidence: Mapping, trials: Sequence[TrialRow], courses: Sequence[CourseRow], scores: Sequence[Mapping]
) -> tuple[EvidenceRow, ...]:
    """rules §12.2 evidence indices -> the rows they name. ECT courses come first in `courses`,
    then the other courses (staging.presentation.course_rows)."""
    ect_count = len([row for row in courses if row.is_ect])
    rows = [trial_evidence(trials[i]) for i in evidence.get("trials") or () if i < len(trials)]
    rows += [course_evidence(courses[i]) for i in evidence.get("ect_courses") or () if i < ect_count]
    rows += [
        course_evidence(courses[ect_count + i])
        for i in evidence.get("other_courses") or ()
        if ect_count + i < len(courses)
    ]
    rows += [score_evidence(i, scores[i]) for i in evidence.get("scale_scores") or () if i < len(scores)]
    return tuple(rows)


def _attestation(key: str, criterion: str, answer: Answer | None) -> AttestationView:
    holds = None if answer is None else answer.holds
    return AttestationView(
        key=key,
        criterion=criterion,
        answer=holds,
        answer_label=vocabulary.ATTESTATION_ANSWERS[holds].label,
        answered_by=answer.answered_by if answer else "",
        answered_on=day(answer.answered_on) if answer else "",
    )


def _criterion(profile_id: str, criterion: Mapping, rows, answers: Mapping[str, Answer]) -> CriterionView:
    role = criterion.get("role")
    state = criterion.get("state", "")
    attestation = None
    if criterion.get("kind") == "attestation":
        key = f"{profile_id}/{criterion.get('id')}"
        attestation = _attestation(key, criterion.get("id", ""), answers.get(key))
    return CriterionView(
        id=criterion.get("id", ""),
        role=role,
        role_label=vocabulary.label(vocabulary.CRITERION_ROLES, role, "one of"),
        kind=criterion.get("kind", ""),
        state=state,
        state_label=vocabulary.label(vocabulary.CRITERION_STATES, state, state),
        text=criterion.get("text", ""),
        note=criterion.get("note") or "",
        explanation=criterion.get("explanation", ""),
        evidence=_evidence(criterion.get("evidence") or {}, *rows),
        items=tuple(_criterion(profile_id, item, rows, answers) for item in criterion.get("items") or ()),
        attestation=attestation,
    )


def present_eligibility(
    result: Mapping,
    trials: Sequence[TrialRow],
    courses: Sequence[CourseRow],
    scale_scores: Sequence[Mapping],
    answers: Mapping[str, Answer] | None = None,
) -> tuple[ProfileView, ...]:
    """Every evaluated profile of a stored result, in profile order (rules §12.1)."""
    answers = answers or {}
    rows = (trials, courses, scale_scores)
    profiles = []
    for profile in result.get("eligibility") or ():
        source = profile.get("source") or {}
        status = profile.get("status", "")
        profiles.append(
            ProfileView(
                id=profile.get("profile", ""),
                version=str(profile.get("version", "")),
                title=profile.get("title", ""),
                treatment=vocabulary.label(vocabulary.TREATMENTS, profile.get("treatment"), ""),
                issuer=profile.get("issuer", ""),
                source_title=source.get("title", ""),
                source_date=_source_date(source.get("date", "")),
                source_url=source.get("url", ""),
                checked_on=day(profile.get("checked_on")) if profile.get("checked_on") else "",
                status=status,
                status_label=vocabulary.label(vocabulary.ELIGIBILITY_STATUSES, status, status),
                explanation=profile.get("explanation", ""),
                criteria=tuple(
                    _criterion(profile.get("profile", ""), criterion, rows, answers)
                    for criterion in profile.get("criteria") or ()
                ),
            )
        )
    return tuple(profiles)


def find_profile(profiles: Sequence[ProfileView], profile_id: str) -> ProfileView | None:
    return next((profile for profile in profiles if profile.id == profile_id), None)
