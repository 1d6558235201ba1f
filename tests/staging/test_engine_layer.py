"""The engine is its own layer: plain Python that imports no Django (functional core)."""

import subprocess
import sys
from pathlib import Path

import staging.engine

ENGINE_DIR = Path(staging.engine.__file__).parent
ROOT = ENGINE_DIR.parent.parent

# A meta-path finder that refuses Django: any import of it, direct or indirect, fails.
IMPORT_EVERY_ENGINE_MODULE_WITHOUT_DJANGO = """
import importlib, pkgutil, sys

class NoDjango:
    def find_spec(self, name, path=None, target=None):
        if name == "django" or name.startswith("django."):
            raise ImportError("the engine must not import Django: " + name)

sys.meta_path.insert(0, NoDjango())
import staging.engine
names = [m.name for m in pkgutil.iter_modules(staging.engine.__path__, "staging.engine.")]
for name in names:
    importlib.import_module(name)
assert not any(m == "django" or m.startswith("django.") for m in sys.modules)
print(len(names))
"""


def test_every_engine_module_imports_without_django():
    completed = subprocess.run(
        [sys.executable, "-c", IMPORT_EVERY_ENGINE_MODULE_WITHOUT_DJANGO],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert int(completed.stdout) >= 10  # every instrument module was imported


def test_rules_in_the_repository_are_the_shared_rules():
    shared = ROOT.parent / "shared" / "clinical-rules.md"
    ours = ROOT / "docs" / "clinical-rules.md"
    assert ours.exists()
    if shared.exists():
        assert ours.read_bytes() == shared.read_bytes(), "copy ../shared/clinical-rules.md to docs/"


def test_calendar_months_stay_within_the_calendar():
    from datetime import date

    from staging.engine.calendar import add_months

    assert add_months(date(9999, 12, 31), 12) == date.max
    assert add_months(date(1, 1, 1), -1) == date.min
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)  # rules §4.2: a 31st maps to the last day
