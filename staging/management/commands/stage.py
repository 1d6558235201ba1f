"""`manage.py stage FILE` (or `-` for stdin): stage rules §10 JSON records, print the results.

One record in gives one result out, a list gives a list in the same order (JSON, indent 2, on
stdout; with --compact each result on one line, which is much faster for a large list: Python
writes indented JSON with its pure-Python encoder, compact JSON with the C one; bench/staging.py
measures both).
Records are read, staged and written one at a time (staging.record_stream), so a large input
never sits in memory whole.

Invalid input stages nothing and prints nothing on stdout (rules §10): results are written to a
temporary file and copied to stdout only once every record has proved valid; after the first
error the rest of the input is only checked. Errors go to stderr with their paths, the first
1,000 of them and then a count of the rest, and the command exits with status 1 — never with a
traceback, whatever the bytes given.
"""

from __future__ import annotations

import io
import json
import sys
import tempfile

from django.core.management.base import BaseCommand, CommandError

from staging.engine.catalogue import CatalogueError
from staging.engine.eligibility import ProfileError
from staging.engine.interchange import InterchangeError, parse_record, result_to_dict
from staging.engine.pipeline import stage
from staging.engine.text import plural
from staging.record_stream import InputError, json_records
from staging.site import configured_catalogue, configured_profiles

MAX_ERRORS_SHOWN = 1000
PROGRESS_EVERY = 1000  # records; a longer input reports its progress on stderr


class Command(BaseCommand):
    help = "Stage rules §10 JSON records from FILE (or - for stdin) and print the results as JSON."

    def add_arguments(self, parser):
        parser.add_argument("file", help="JSON file with one record or a list of records; - reads stdin")
        parser.add_argument(
            "--compact",
            action="store_true",
            help="Write each result on one line instead of indented (much faster for a large list).",
        )

    def handle(self, *args, **options):
        file_name = options["file"]
        try:
            catalogue = configured_catalogue()
            profiles = configured_profiles()  # rules §12: every result evaluates the site's profiles
        except (CatalogueError, ProfileError) as error:
            raise CommandError(str(error)) from None
        try:
            with self._open(file_name) as stream, tempfile.TemporaryFile("w+", encoding="utf-8") as results:
                run = _Run(self, catalogue, profiles, results, compact=options["compact"])
                run.stage(stream, self._source(file_name))
                results.seek(0)
                while chunk := results.read(1024 * 1024):
                    self.stdout.write(chunk, ending="")
                self.stdout.write("")  # the final newline
        except CommandError:
            raise
        except Exception as error:
            raise CommandError(f"could not stage the input: {type(error).__name__}: {_printable(str(error))}") from None

    def _open(self, file_name: str):
        if file_name == "-":
            buffer = getattr(sys.stdin, "buffer", None)
            if buffer is not None:
                return buffer
            try:  # a text stream without bytes underneath (tests, embedding)
                return io.BytesIO(sys.stdin.read().encode("utf-8"))
            except UnicodeError as error:
                raise CommandError(f"standard input is not UTF-8 text: {error.reason}") from None
        try:
            return open(file_name, "rb")
        except FileNotFoundError:
            raise CommandError(f"no such file: {file_name}") from None
        except IsADirectoryError:
            raise CommandError(f"{file_name} is a directory, not a JSON file") from None
        except OSError as error:
            raise CommandError(f"cannot read {file_name}: {error.strerror or error}") from None

    @staticmethod
    def _source(file_name: str) -> str:
        return "standard input" if file_name == "-" else file_name


class _Run:
    """One run of the command: reads records, stages them into `results`, reports on stderr."""

    def __init__(self, command: Command, catalogue, profiles, results, *, compact: bool = False):
        self.command = command
        self.compact = compact
        self.catalogue = catalogue
        self.profiles = profiles
        self.results = results
        self.records = 0
        self.errors = 0
        self.progress_shown = False

    def stage(self, stream, source: str) -> None:
        is_list = None  # not known before the first record; still None for an empty list
        try:
            for path, value in json_records(stream):
                is_list = path != ""
                self.add(path, value, is_list)
        except InputError as error:
            self.end_progress()
            raise CommandError(f"{source} {error}") from None
        self.end_progress()
        if self.errors:
            if self.errors > MAX_ERRORS_SHOWN:
                self.command.stderr.write(f"… and {plural(self.errors - MAX_ERRORS_SHOWN, 'more error')}")
            raise CommandError(f"invalid input, nothing staged: {plural(self.errors, 'error')}")
        if is_list is None:
            self.results.write("[]")
        elif is_list:
            self.results.write("\n]")

    def add(self, path: str, value, is_list: bool) -> None:
        try:
            record = parse_record(value, self.catalogue, self.profiles, path)
        except InterchangeError as error:
            self.report(error.errors)
        else:
            if not self.errors:  # after an error nothing more is staged: the rest is only checked
                result = result_to_dict(stage(record, self.catalogue, self.profiles))
                self.write(result, is_list)
        self.records += 1
        if self.records % PROGRESS_EVERY == 0 and not self.errors:
            self.command.stderr.write(f"\rstaged {self.records:,}", ending="")
            self.command.stderr.flush()
            self.progress_shown = True

    def write(self, result: dict, is_list: bool) -> None:
        """As json.dumps(results, indent=2) would write it, one result at a time; compact: each
        result on a line of its own."""
        if self.compact:
            text = json.dumps(result, ensure_ascii=False)
            if is_list:
                text = ("[\n" if self.records == 0 else ",\n") + text
            self.results.write(text)
            return
        text = json.dumps(result, indent=2, ensure_ascii=False)
        if is_list:
            # every record before this one was valid, staged and written
            # one level deeper: JSON text holds no raw newline inside a string, so every line is indented
            text = ("[\n  " if self.records == 0 else ",\n  ") + text.replace("\n", "\n  ")
        self.results.write(text)

    def report(self, errors: list[tuple[str, str]]) -> None:
        self.end_progress()
        for path, message in errors:
            if self.errors < MAX_ERRORS_SHOWN:
                self.command.stderr.write(f"{path}: {message}")
            self.errors += 1

    def end_progress(self) -> None:
        """Finish the progress line: the last count, then a new line for what follows."""
        if self.progress_shown:
            if self.records % PROGRESS_EVERY and not self.errors:
                self.command.stderr.write(f"\rstaged {self.records:,}", ending="")
            self.command.stderr.write("")
            self.progress_shown = False


def _printable(text: str) -> str:
    """Text safe to print whatever it holds (a lone surrogate is escaped, not an encoding error)."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")
