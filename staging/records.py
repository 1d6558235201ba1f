"""`frozen_record`: a frozen, slotted dataclass whose constructor is fast.

The engine builds some forty input and result objects per record, and `manage.py stage` stages
100,000 records in a row. The `__init__` that `dataclass(frozen=True)` generates sets every field
through `object.__setattr__`, about three times the cost of a plain assignment; profiling showed a
quarter of the staging time in those constructors. The `__init__` generated here sets each slot
through its descriptor instead. Everything else is the dataclass's own: the same signature and
defaults, `FrozenInstanceError` on assignment after construction, eq, hash, repr, pickling.
"""

from __future__ import annotations

import dataclasses

__all__ = ["frozen_record"]


def frozen_record(cls):
    """`@dataclass(frozen=True, slots=True)` with a constructor that writes the slots directly."""
    cls = dataclasses.dataclass(frozen=True, slots=True)(cls)
    if hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__}: frozen_record does not run __post_init__")
    namespace = {}
    parameters = []
    assignments = []
    for field in dataclasses.fields(cls):
        if field.default_factory is not dataclasses.MISSING or not field.init or field.kw_only:
            raise TypeError(f"{cls.__name__}.{field.name}: frozen_record supports plain fields and defaults only")
        name = field.name
        if field.default is dataclasses.MISSING:
            parameters.append(name)
        else:
            namespace[f"_default_{name}"] = field.default
            parameters.append(f"{name}=_default_{name}")
        namespace[f"_set_{name}"] = cls.__dict__[name].__set__  # the slot's member descriptor
        assignments.append(f"    _set_{name}(self, {name})")
    source = f"def __init__(self, {', '.join(parameters)}):\n" + ("\n".join(assignments) or "    pass") + "\n"
    exec(source, namespace)  # noqa: S102 — the source is built from the class's own field names
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    init.__annotations__ = dict(cls.__init__.__annotations__)
    init.__doc__ = cls.__init__.__doc__
    cls.__init__ = init
    return cls
