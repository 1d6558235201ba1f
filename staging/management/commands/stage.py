"""`manage.py stage FILE` (or `-` for stdin): stage rules §10 JSON records, print the results.

One record in gives one result out, a list gives a list in the same order (JSON, indent 2, on
stdout). Invalid input stages nothing: every error is printed with its path on stderr and the
command exits with status 1 — never with a traceback, whatever the bytes given.
"""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from staging.engine.batch import stage_document
from staging.engine.catalogue import CatalogueError
from staging.engine.eligibility import ProfileError
from staging.engine.interchange import InterchangeError
from staging.site import configured_catalogue, configured_profiles

PROGRESS_ABOVE = 1000  # records; larger lists report progress on stderr
PROGRESS_EVERY = 1000


class Command(BaseCommand):
    help = "Stage rules §10 JSON records from FILE (or - for stdin) and print the results as JSON."

    def add_arguments(self, parser):
        parser.add_argument("file", help="JSON file with one record or a list of records; - reads stdin")

    def handle(self, *args, **options):
        try:
            output = self._stage(options["file"])
        except CommandError:
            raise
        except Exception as error:
            raise CommandError(f"could not stage the input: {type(error).__name__}: {error}") from None
        self.stdout.write(output)

    def _stage(self, file_name: str) -> str:
        data = self._read(file_name)
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise CommandError(
                f"{self._source(file_name)} is not UTF-8 text: {error.reason} at byte {error.start}"
            ) from None
        try:
            document = json.loads(text)
        except json.JSONDecodeError as error:
            raise CommandError(
                f"{self._source(file_name)} is not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})"
            ) from None
        except RecursionError:
            raise CommandError(f"{self._source(file_name)} is not usable JSON: nested too deeply") from None
        try:
            catalogue = configured_catalogue()
            profiles = configured_profiles()  # rules §12: every result evaluates the site's profiles
        except (CatalogueError, ProfileError) as error:
            raise CommandError(str(error)) from None

        def progress(done: int, total: int) -> None:
            if total > PROGRESS_ABOVE and (done % PROGRESS_EVERY == 0 or done == total):
                self.stderr.write(f"\rstaged {done}/{total}", ending="")
                self.stderr.flush()

        try:
            results, is_list = stage_document(document, catalogue, progress, profiles)
        except InterchangeError as error:
            for path, message in error.errors:
                self.stderr.write(f"{path}: {message}")
            count = len(error.errors)
            raise CommandError(f"invalid input, nothing staged: {count} error{'s' if count != 1 else ''}") from None
        if len(results) > PROGRESS_ABOVE:
            self.stderr.write("")
        return json.dumps(results if is_list else results[0], indent=2, ensure_ascii=False)

    def _read(self, file_name: str) -> bytes:
        if file_name == "-":
            stream = sys.stdin
            buffer = getattr(stream, "buffer", None)
            try:
                data = buffer.read() if buffer is not None else stream.read()
            except UnicodeDecodeError as error:
                raise CommandError(f"standard input is not UTF-8 text: {error.reason}") from None
            return data.encode("utf-8") if isinstance(data, str) else data
        try:
            with open(file_name, "rb") as handle:
                return handle.read()
        except FileNotFoundError:
            raise CommandError(f"no such file: {file_name}") from None
        except IsADirectoryError:
            raise CommandError(f"{file_name} is a directory, not a JSON file") from None
        except OSError as error:
            raise CommandError(f"cannot read {file_name}: {error.strerror or error}") from None

    @staticmethod
    def _source(file_name: str) -> str:
        return "standard input" if file_name == "-" else file_name
