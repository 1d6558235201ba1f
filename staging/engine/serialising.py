"""Records and results out as rules §10 JSON (plain dicts and lists, ready for json.dumps).

`record_to_dict` is the inverse of parsing.parse_records (exports, snapshots, the web app's
validation); `result_to_dict` is the output of `manage.py stage`, the JSON API and the stored
snapshot. Absent optional values of a record are omitted; a result always has every key.
"""

from __future__ import annotations

from datetime import date

from staging.engine.eligibility import eligibility_to_dict
from staging.engine.inputs import StagingInput
from staging.engine.results import StagingResult

__all__ = ["record_to_dict", "result_to_dict"]


def _drop_none(mapping: dict) -> dict:
    return {key: value for key, value in mapping.items() if value is not None}


def record_to_dict(record: StagingInput) -> dict:
    """The rules §10 JSON of a record (the inverse of parse_records); absent values are omitted."""
    episode = record.episode
    return _drop_none(
        {
            "age": record.age,
            "assessed_on": _iso(record.assessed_on),
            "episode": _drop_none(
                {
                    "onset": _iso(episode.onset),
                    "severity": episode.severity,
                    "functional_impairment": episode.functional_impairment,
                    "comorbidities": list(episode.comorbidities),
                    "psychosocial_stressors": episode.psychosocial_stressors,
                    "screening": dict(episode.screening),
                }
            ),
            "trials": [
                _drop_none(
                    {
                        "drug": trial.drug,
                        "class": trial.drug_class,
                        "min_adequate_dose_mg": trial.min_adequate_dose_mg,
                        "dose_mg_per_day": trial.dose_mg_per_day,
                        "weeks_at_dose": trial.weeks_at_dose,
                        "adherence_pct": trial.adherence_pct,
                        "improvement_pct": trial.improvement_pct,
                        "outcome": trial.outcome,
                        "augmentation": [
                            _drop_none(
                                {"agent": item.agent, "dose_mg_per_day": item.dose_mg_per_day, "weeks": item.weeks}
                            )
                            for item in trial.augmentation
                        ],
                        "started_on": _iso(trial.started_on),
                    }
                )
                for trial in record.trials
            ],
            "ect_courses": [
                _drop_none(
                    {
                        "electrode_placement": course.electrode_placement,
                        "sessions": course.sessions,
                        "outcome": course.outcome,
                    }
                )
                for course in record.ect_courses
            ],
            "other_courses": [
                _drop_none({"kind": course.kind, "weeks": course.weeks, "outcome": course.outcome})
                for course in record.other_courses
            ],
            "scale_scores": [
                {"scale": score.scale, "score": score.score, "rated_on": _iso(score.rated_on)}
                for score in record.scale_scores
            ],
            "attestations": dict(record.attestations),
        }
    )


def _iso(value):
    return value.isoformat() if isinstance(value, date) else value


def result_to_dict(result: StagingResult) -> dict:
    """The rules §10 output of one record (with the extra keys agreed for the web app)."""
    thase_rush = result.thase_rush
    maudsley = result.maudsley
    mgh = result.mgh
    classification = result.classification
    dtd = result.dtd
    items = maudsley.items
    return {
        "ruleset": result.ruleset,
        "trials": [
            {
                "drug": trial.drug,
                "drug_class": trial.drug_class,
                "clinician_defined": trial.clinician_defined,
                "min_adequate_dose_mg": trial.min_adequate_dose_mg,
                "adequate": trial.adequate,
                "inadequate_reasons": list(trial.inadequate_reasons),
                "outcome": trial.outcome,
                "counted": trial.counted,
                "explanation": trial.explanation,
            }
            for trial in result.trials
        ],
        "thase_rush": {
            "stage": thase_rush.stage,
            "counted_trials": list(thase_rush.counted_trials),
            "explanation": thase_rush.explanation,
            "interpretation_notes": list(thase_rush.interpretation_notes),
        },
        "maudsley": {
            "applicable": maudsley.applicable,
            "total": maudsley.total,
            "category": maudsley.category,
            "items": None
            if items is None
            else {
                "duration": items.duration,
                "severity": items.severity,
                "antidepressants": items.antidepressants,
                "augmentation": items.augmentation,
                "ect": items.ect,
            },
            "counted_trials": list(maudsley.counted_trials),
            "explanation": maudsley.explanation,
            "interpretation_notes": list(maudsley.interpretation_notes),
        },
        "mgh": {
            "score": mgh.score,
            "counted_trials": list(mgh.counted_trials),
            "explanation": mgh.explanation,
            "interpretation_notes": list(mgh.interpretation_notes),
        },
        "classification": {
            "label": classification.label,
            "regulatory_trd": classification.regulatory_trd,
            "regulatory_trd_trials": list(classification.regulatory_trd_trials),
            "chronic": classification.chronic,
            "most_recent_trial": classification.most_recent_trial,
            "explanation": classification.explanation,
            "interpretation_notes": list(classification.interpretation_notes),
        },
        "dtd": {"met": dtd.met, "reasons": list(dtd.reasons), "complexity_factors": list(dtd.complexity_factors)},
        "eligibility": eligibility_to_dict(result.eligibility),  # rules §12, profile order
        "flags": [{"code": flag.code, "message": flag.message, "trial": flag.trial} for flag in result.flags],
    }
