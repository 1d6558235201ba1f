"""staging.engine.records.frozen_record keeps the dataclass contract while constructing faster."""

from __future__ import annotations

import dataclasses
import pickle

import pytest

from staging.engine.inputs import Augmentation, StagingInput, Trial
from staging.engine.records import frozen_record


def test_defaults_keywords_and_positional_arguments_fill_the_same_fields():
    positional = Trial("sertraline", 50, 8)
    keywords = Trial(drug="sertraline", dose_mg_per_day=50, weeks_at_dose=8)
    assert positional == keywords
    assert (positional.adherence_pct, positional.outcome, positional.augmentation) == (None, None, ())
    assert Trial("x", 1, 2, 3, 4, "remission", (Augmentation("lithium"),), None, "SSRI", 5).min_adequate_dose_mg == 5


def test_instances_are_immutable_slotted_hashable_and_picklable():
    trial = Trial("sertraline", 50, 8, adherence_pct=90)
    with pytest.raises(dataclasses.FrozenInstanceError):
        trial.dose_mg_per_day = 100
    assert not hasattr(trial, "__dict__")
    assert hash(trial) == hash(Trial("sertraline", 50, 8, adherence_pct=90))
    assert pickle.loads(pickle.dumps(trial)) == trial
    assert repr(trial).startswith("Trial(drug='sertraline', dose_mg_per_day=50, weeks_at_dose=8, adherence_pct=90")


def test_missing_and_unexpected_arguments_are_refused_as_by_a_dataclass():
    with pytest.raises(TypeError):
        Trial("sertraline", 50)
    with pytest.raises(TypeError):
        Trial("sertraline", 50, 8, dose=3)
    with pytest.raises(TypeError):
        StagingInput()


def test_default_factories_are_refused_rather_than_shared():
    with pytest.raises(TypeError):

        @frozen_record
        class WithFactory:
            items: list = dataclasses.field(default_factory=list)


def test_a_constructed_record_is_of_its_own_class_and_frozen_again():
    # the constructor fills the slots through a mutable twin class and must switch back
    trial = Trial("sertraline", 50, 8, 90, 10.5, None, (), None, None, None)
    assert type(trial) is Trial
    with pytest.raises(dataclasses.FrozenInstanceError):
        trial.drug = "fluoxetine"
    assert (trial.drug, trial.weeks_at_dose, trial.improvement_pct) == ("sertraline", 8, 10.5)


def test_a_subclass_instance_keeps_its_class():
    class Annotated(Trial):
        __slots__ = ("note",)

    trial = Annotated("sertraline", 50, 8)
    assert type(trial) is Annotated
    assert (trial.drug, trial.dose_mg_per_day, trial.adherence_pct) == ("sertraline", 50, None)
    with pytest.raises(dataclasses.FrozenInstanceError):
        trial.drug = "fluoxetine"
