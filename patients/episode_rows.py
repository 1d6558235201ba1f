"""An episode's rows — trials with their augmentations, ECT and other courses, scale scores —
loaded with many episodes at once, in a fixed number of queries, into plain lists.

Into lists (`to_attr`), not Django's per-instance related managers: their caches cost more than
the work done with the rows when thousands of episodes are read (batch restaging at 100,000
patients; bench/fhir_export.py: 3.2 s → 1.0 s of reads for 600 patients).
"""

from __future__ import annotations

from django.db.models import Prefetch

from patients.models import Trial

ROW_RELATIONS = ("ect_courses", "other_courses", "scale_scores")


def with_rows(episodes, *more_relations: str):
    """The episodes queryset with its rows prefetched (and `more_relations`, e.g. attestations)."""
    augmentations = Prefetch("augmentations", to_attr="augmentations_list")
    return episodes.prefetch_related(
        Prefetch("trials", queryset=Trial.objects.prefetch_related(augmentations), to_attr="trials_list"),
        *[Prefetch(relation, to_attr=f"{relation}_list") for relation in (*ROW_RELATIONS, *more_relations)],
    )


def rows(instance, relation: str):
    """An instance's related rows: the list with_rows prefetched, else the related manager's."""
    prefetched = getattr(instance, f"{relation}_list", None)
    return prefetched if prefetched is not None else getattr(instance, relation).all()
