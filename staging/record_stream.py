"""Reading a rules §10 JSON input one record at a time (I/O; the engine itself reads no files).

A list of 225,225 records is 50 MB of text but gigabytes once loaded as Python objects, so
`manage.py stage` never loads it whole: `json_records` reads the bytes in chunks, hands them to
ijson's parser and builds one record at a time from the parser's events.

ijson's pure-Python backend is used on purpose: its C backend (yajl) silently turns a lone
surrogate such as "\\ud800x" into "?x", pairs a high surrogate with any escape that follows it,
and refuses integers beyond 64 bits. The Python backend decodes strings and numbers as Python's
json module does, so the engine sees the input as written and reports what is wrong with it.
"""

from __future__ import annotations

import codecs
import contextlib
from collections.abc import Iterator
from typing import BinaryIO

import ijson

__all__ = ["MAX_DEPTH", "InputError", "json_records"]

_BACKEND = ijson.get_backend("python")
CHUNK_BYTES = 64 * 1024
MAX_DEPTH = 64  # a record nests six levels deep; far deeper is junk, refused before it grows
_CONTAINERS = {"start_map": dict, "start_array": list}


class InputError(Exception):
    """The bytes are not a JSON text: not UTF-8, not JSON, or nested too deeply. The message
    reads after the input's name: "records.json is not valid JSON: …"."""


def json_records(stream: BinaryIO) -> Iterator[tuple[str, object]]:
    """(path, value) for each record of a rules §10 input: ("[0]", first item), ("[1]", …) when
    the input is a list, ("", the value) when it is anything else (one record, or junk that the
    engine refuses). Raises InputError when the bytes stop being JSON, after yielding the
    records before that point."""
    events = ijson.sendable_list()
    parser = _BACKEND.basic_parse_coro(events, use_float=True)
    utf8 = _Utf8Check()
    records = _RecordBuilder()
    try:
        while chunk := stream.read(CHUNK_BYTES):
            parser.send(utf8.checked(chunk))
            yield from records.add(events)
            events.clear()
        utf8.end()
        parser.close()  # the end of the input: raises if the JSON text is incomplete
        yield from records.add(events)
    except ijson.JSONError as error:
        raise InputError(f"is not valid JSON: {_first_line(error)}") from None
    except UnicodeDecodeError as error:  # from _Utf8Check, with the offset in the whole input
        raise InputError(f"is not UTF-8 text: {error.reason} at byte {error.start}") from None
    finally:
        _close_quietly(parser)


class _RecordBuilder:
    """Builds JSON values from the parser's events and hands out each record once complete."""

    def __init__(self):
        self.is_list: bool | None = None  # unknown before the first event
        self.count = 0  # records handed out
        self.open: list = []  # the containers of the record being built, outermost first
        self.keys: list = []  # the pending key of each open object

    def add(self, events) -> list[tuple[str, object]]:
        complete = []
        for kind, value in events:
            if self.is_list is None:
                self.is_list = kind == "start_array"
                if self.is_list:
                    continue
            if not self.open and self.is_list and kind == "end_array":
                continue  # the end of the list of records
            if kind == "map_key":
                self.keys[-1] = value
            elif kind in ("end_map", "end_array"):
                record = self.open.pop()
                self.keys.pop()
                if not self.open:
                    complete.append(self.complete(record))
            else:
                item = _CONTAINERS[kind]() if kind in _CONTAINERS else value
                if not self.open:
                    if kind not in _CONTAINERS:
                        complete.append(self.complete(item))
                elif type(self.open[-1]) is dict:
                    self.open[-1][self.keys[-1]] = item
                else:
                    self.open[-1].append(item)
                if kind in _CONTAINERS:
                    if len(self.open) + self.is_list >= MAX_DEPTH:
                        raise InputError(f"is not usable JSON: nested too deeply (more than {MAX_DEPTH} levels)")
                    self.open.append(item)
                    self.keys.append(None)
        return complete

    def complete(self, record) -> tuple[str, object]:
        path = f"[{self.count}]" if self.is_list else ""
        self.count += 1
        return path, record


class _Utf8Check:
    """Checks that the chunks are UTF-8, as they come (drops a leading byte order mark)."""

    def __init__(self):
        self.decoder = codecs.getincrementaldecoder("utf-8")()
        self.offset = 0  # bytes checked so far

    def checked(self, chunk: bytes) -> bytes:
        if self.offset == 0 and chunk.startswith(codecs.BOM_UTF8):
            chunk = chunk[len(codecs.BOM_UTF8) :]
            self.offset = len(codecs.BOM_UTF8)
        self.decode(chunk, final=False)
        return chunk

    def end(self) -> None:
        self.decode(b"", final=True)

    def decode(self, chunk: bytes, final: bool) -> None:
        pending = len(self.decoder.getstate()[0])  # bytes of a character split across chunks
        try:
            self.decoder.decode(chunk, final)
        except UnicodeDecodeError as error:
            start = self.offset - pending + error.start
            raise UnicodeDecodeError("utf-8", error.object, start, start + 1, error.reason) from None
        self.offset += len(chunk)


def _first_line(error: Exception) -> str:
    text = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
    return text[:1].lower() + text[1:]


def _close_quietly(parser) -> None:
    """End the parser's coroutines now: left to the garbage collector, a parser stopped midway
    prints "Exception ignored … Traceback" on stderr."""
    with contextlib.suppress(ijson.JSONError, UnicodeDecodeError):
        parser.close()
