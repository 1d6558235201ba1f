"""Every code of the rules with its words, in one place (rules §7: the page, the PDF and the JSON
say the same thing).

A code is what the rules, the JSON and the database store ("non_response"); its `Term` is how a
person reads it: `label` where it stands alone (a heading, a table cell, a choice in a form:
"No response") and `sentence` where it sits inside a sentence ("… ended with no response").
Model choices, forms, filters, the explanations of the engine, the patient page and the PDF all
take their words from here; nothing else declares words for these codes.

The order of each table is the order of the rules, and the order in which lists and choices show
the codes.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Term:
    label: str  # stands alone: "No response", "Vitamin B12", "TRD"
    sentence: str  # inside a sentence: "no response", "vitamin B12", "treatment-resistant depression (TRD)"


def capitalise(text: str) -> str:
    """First letter upper case, the rest untouched: "vitamin B12" -> "Vitamin B12" (str.capitalize
    would write "Vitamin b12")."""
    return text[:1].upper() + text[1:]


def _term(sentence: str, label: str | None = None) -> Term:
    return Term(label or capitalise(sentence), sentence)


def label(table: dict[str, Term], code: str | None, missing: str = "—") -> str:
    """The label of a code, or `missing` for an empty or unknown code (older stored results)."""
    term = table.get(code) if code is not None else None
    return term.label if term else missing


def sentence(table: dict[str, Term], code: str | None, missing: str = "") -> str:
    term = table.get(code) if code is not None else None
    return term.sentence if term else missing


# rules §1.1 episode.severity (Maudsley severity item, rules §4.2, in the same order)
SEVERITIES = {
    "subsyndromal": _term("subsyndromal"),
    "mild": _term("mild"),
    "moderate": _term("moderate"),
    "severe": _term("severe"),
    "severe_psychotic": _term("severe with psychotic features"),
}

# rules §1.1 episode.functional_impairment
FUNCTIONAL_IMPAIRMENTS = {
    "none": _term("none"),
    "mild": _term("mild"),
    "moderate": _term("moderate"),
    "severe": _term("severe"),
}

# rules §1.1 episode.comorbidities (also the DTD complexity factors, rules §6)
COMORBIDITIES = {
    "anxiety": _term("anxiety"),
    "personality_disorder": _term("personality disorder"),
    "substance_use": _term("substance use"),
    "adhd": _term("ADHD"),
    "ptsd": _term("PTSD"),
    "ocd": _term("OCD"),
    "eating_disorder": _term("eating disorder"),
    "chronic_pain": _term("chronic pain"),
    "medical_illness": _term("medical illness"),
}

# rules §1.1 scale_scores[].scale: the scales' own names
SCALES = {scale: Term(scale, scale) for scale in ("MADRS", "HAM-D17", "PHQ-9", "QIDS-SR16")}

# rules §3.1: the outcomes of rules §1.2, and "unknown" when neither an outcome nor an
# improvement is recorded (listed, never counted)
UNKNOWN_OUTCOME = "unknown"
OUTCOMES = {
    "remission": _term("remission"),
    "response": _term("response"),
    "partial_response": _term("partial response"),
    "non_response": _term("no response"),
    "intolerance": _term("stopped for adverse effects"),
    UNKNOWN_OUTCOME: _term("not documented"),
}
ENTERED_OUTCOMES = tuple(code for code in OUTCOMES if code != UNKNOWN_OUTCOME)  # what may be recorded

# rules §3.2 adequacy reason codes, in their order; the label is the short form shown in trial
# tables and in "not counted" reasons (the full sentence, with the trial's numbers, is the
# engine's explanation and flag)
ADEQUACY_REASONS = {
    "intolerance": _term("stopped for adverse effects"),
    "dose_below_minimum": _term("dose below minimum"),
    "too_short": _term("under 6 weeks at dose"),
    "low_adherence": _term("adherence below 80 %"),
}

# rules §1.3
ELECTRODE_PLACEMENTS = {
    "bilateral": _term("bilateral"),
    "right_unilateral": _term("right unilateral"),
    "bifrontal": _term("bifrontal"),
}
OTHER_COURSE_KINDS = {
    "rtms": Term("rTMS", "rTMS"),
    "esketamine": _term("esketamine"),
    "ketamine": _term("ketamine"),
    "psychotherapy": _term("psychotherapy"),
    "vns": Term("VNS (vagus nerve stimulation)", "VNS (vagus nerve stimulation)"),
}

# rules §2.1: the classes are written as the rules write them
DRUG_CLASSES = {
    code: Term(code, code)
    for code in ("SSRI", "SNRI", "TCA", "MAOI", "RIMA", "NDRI", "NaSSA", "SARI", "multimodal", "melatonergic", "NRI")
}

# rules §4.1: stages 0–5 are written as the model writes them
ROMAN = ("0", "I", "II", "III", "IV", "V")
THASE_RUSH_STAGES = {stage: Term(f"Stage {numeral}", f"Stage {numeral}") for stage, numeral in enumerate(ROMAN)}

# rules §4.2
MAUDSLEY_ITEMS = {
    "duration": _term("duration of episode"),
    "severity": _term("severity of episode"),
    "antidepressants": _term("antidepressant trials (counted)"),
    "augmentation": _term("augmentation"),
    "ect": Term("ECT", "ECT"),
}
MAUDSLEY_DURATIONS = {  # the duration item's points, in words
    1: _term("at most 12 months"),
    2: _term("more than 12 and at most 24 months"),
    3: _term("more than 24 months"),
}
MSM_CATEGORIES = {
    "mild": _term("mild"),
    "moderate": _term("moderate"),
    "severe": _term("severe"),
}

# rules §5: the short label names the result in lists, filters and badges; the sentence names
# it in full (capitalised as the headline of the page and the PDF)
LABELS = {
    "remission": Term("Remission", "remission"),
    "responding": Term("Responding", "responding to current treatment"),
    "trd": Term("TRD", "treatment-resistant depression (TRD)"),
    "prd": Term("PRD", "partially responsive depression (PRD)"),
    "single_failure": Term("Single failure", "one failed adequate trial"),
    "not_staged": Term("Not staged", "not staged (no failed adequate trial)"),
}

# rules §5 regulatory TRD and §6 DTD are reported as met or not met
MET = {True: Term("Met", "met"), False: Term("Not met", "not met")}

# rules §8
SCREENING_ITEMS = {
    "bipolar_spectrum": _term("bipolar spectrum"),
    "thyroid_function": _term("thyroid function"),
    "vitamin_b12": _term("vitamin B12"),
    "vitamin_d": _term("vitamin D"),
    "sleep_apnoea": _term("sleep apnoea"),
    "substance_use": _term("substance use"),
    "adhd": _term("ADHD"),
    "ptsd": _term("PTSD"),
    "drug_interactions": _term("drug interactions"),
}
SCREENING_STATUSES = {
    "not_screened": _term("not screened"),
    "screened_negative": _term("screened negative"),
    "positive": _term("screened positive"),
}

# rules §8 "Before concluding resistance": the kind of each flag. A screening flag's code is
# "not_screened:<item>" or "positive:<item>"; its kind is the part before the colon.
FLAG_KINDS = {
    "not_screened": _term("not screened"),
    "positive": _term("screened positive"),
    "inadequate_trial": _term("inadequate trial"),
    "adherence_not_documented": _term("adherence not documented"),
    "outcome_not_documented": _term("outcome not documented"),
}


def flag_kind(code: str) -> str:
    """ "not_screened:vitamin_d" -> "not_screened"."""
    return code.split(":", 1)[0]


# rules §12: treatment eligibility profiles
TREATMENTS = {
    "esketamine": _term("esketamine"),
    "rtms": Term("rTMS", "rTMS"),
    "vns": Term("VNS (vagus nerve stimulation)", "VNS (vagus nerve stimulation)"),
    "ect": Term("ECT", "ECT"),
    "other": _term("other treatment"),
}
ELIGIBILITY_STATUSES = {  # rules §12.3
    "eligible": _term("eligible"),
    "not_eligible": _term("not eligible"),
    "incomplete": _term("incomplete"),
}
CRITERION_STATES = {  # rules §12.2
    "met": _term("met"),
    "not_met": _term("not met"),
    "not_documented": _term("not documented"),
}
CRITERION_ROLES = {  # rules §12.2
    "require": _term("required"),
    "exclude": _term("exclusion"),
    "caution": _term("caution"),
}
ATTESTATION_ANSWERS = {  # rules §1.1 attestations: true, false, or no answer
    True: _term("confirmed"),
    False: _term("does not hold"),
    None: _term("left open"),
}
COURSE_KINDS = {"ect": Term("ECT", "ECT"), **OTHER_COURSE_KINDS}  # rules §12.2 failed_courses kinds
