"""FHIR R4 (4.0.1) export of a patient's record and staging: resources (export), one patient as
a Bundle (bundle), a clinic as Bulk Data NDJSON (ndjson); the code systems in `codes`."""
