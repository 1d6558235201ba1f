"""Import trials, courses and scale scores from a file, with the clinician's review.

reading (size, type, text) → fhir_source / csv_source (rows proposed, each naming where it came
from) → drugs (the catalogue name of each drug) → ImportBatch (the proposal, stored) → review
(forms, duplicates) → service.accept (one transaction, restaged, audited).
"""
