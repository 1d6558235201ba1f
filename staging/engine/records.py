"""`frozen_record`: a frozen, slotted dataclass whose constructor is fast.

The engine builds some forty input and result objects per record, and `manage.py stage` stages
100,000 records in a row. The `__init__` that `dataclass(frozen=True)` generates sets every field
through `object.__setattr__`, about three times the cost of a plain assignment; profiling showed a
quarter of the staging time in those constructors. The `__init__` generated here sets each slot
through its descriptor instead. Everything else is the dataclass's own: the same signature and
defaults, `FrozenInstanceError` on assignment after construction, eq, hash, repr, pickling.

Even a descriptor call per field was still about half the cost of building a TrialResult (16
fields). So the constructor first makes the new instance a "draft": `__class__` is switched to a
twin class with the very same slots and no `__setattr__` guard, the fields are assigned as plain
attributes (a fraction of the cost per field), and `__class__` is switched back before `__init__`
returns. The instance is never seen by anyone else while it is a draft. An instance of a subclass
(whose layout may differ), and a record of four fields or fewer (where the two switches cost
more than they save), are filled slot by slot, as before.
"""

from __future__ import annotations

import dataclasses

__all__ = ["frozen_record"]


def frozen_record(cls):
    """`@dataclass(frozen=True, slots=True)` with a constructor that writes the slots directly."""
    cls = dataclasses.dataclass(frozen=True, slots=True)(cls)
    if hasattr(cls, "__post_init__"):
        raise TypeError(f"{cls.__name__}: frozen_record does not run __post_init__")
    # Two class switches cost about what four descriptor calls do: small records keep those.
    draft = _draft_of(cls) if len(dataclasses.fields(cls)) > 4 else None
    namespace = {"_cls": cls, "_draft": draft, "_set_class": object.__dict__["__class__"].__set__}
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
        assignments.append(name)
    if draft is not None:
        source = (
            f"def __init__(self, {', '.join(parameters)}):\n"
            "    if type(self) is _cls:\n"
            "        _set_class(self, _draft)\n"
            + "".join(f"        self.{name} = {name}\n" for name in assignments)
            + "        self.__class__ = _cls\n"
            "        return\n" + "".join(f"    _set_{name}(self, {name})\n" for name in assignments) + "    pass\n"
        )
    else:
        source = (
            f"def __init__(self, {', '.join(parameters)}):\n"
            + "".join(f"    _set_{name}(self, {name})\n" for name in assignments)
            + "    pass\n"
        )
    exec(source, namespace)
    init = namespace["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    init.__annotations__ = dict(cls.__init__.__annotations__)
    init.__doc__ = cls.__init__.__doc__
    cls.__init__ = init
    return cls


def _draft_of(cls):
    """A class with the same slots as `cls` and no assignment guard, or None if an instance of
    `cls` cannot switch to it (its layout differs: a base with slots or a __dict__)."""
    draft = type(f"{cls.__name__}Draft", (), {"__slots__": cls.__slots__, "__module__": cls.__module__})
    draft.__qualname__ = f"{cls.__qualname__}Draft"
    try:
        probe = object.__new__(cls)
        object.__setattr__(probe, "__class__", draft)
        probe.__class__ = cls
    except TypeError:
        return None
    return draft
