"""The clinician's forms, one module per thing entered: the patient, the current episode, its
trials, its ECT and other courses, its scale scores; with what they share (dates, rows of a
page, the error summary) and the augmentation line's parser.

Every message says what is wrong in clinical words and cites the rule it enforces. The database
constraints in patients.models hold the same limits; these forms make sure a clinician meets a
sentence instead of a constraint name. Rule numbers refer to docs/clinical-rules.md.
"""
