"""The REST API at /api/v1/: the same records, rules and messages as the pages, over JSON.

Reads and writes go through the same access rules (patients.access), forms (validation and
messages), services (restaging) and audit trail as the pages; only the transport differs.
"""
