"""A one-line progress bar for management commands: `[#####.....] 500/1000 patients`.

It writes to stderr so a command's stdout stays the result (a summary line, JSON) that scripts
read. On a terminal the line redraws in place; into a file or pipe it prints at most one line
per tenth of the work, so logs stay short.
"""

from __future__ import annotations

import sys
import time


class ProgressBar:
    def __init__(self, total: int, unit: str = "items", *, width: int = 30, stream=None, min_interval: float = 0.2):
        self.total = max(int(total), 0)
        self.unit = unit
        self.width = width
        self.stream = stream if stream is not None else sys.stderr
        self.done = 0
        self._interactive = bool(getattr(self.stream, "isatty", lambda: False)())
        self._min_interval = min_interval
        self._last_drawn_at = 0.0
        self._last_tenth = -1

    def render(self) -> str:
        fraction = 1.0 if self.total == 0 else min(self.done / self.total, 1.0)
        filled = round(fraction * self.width)
        return f"[{'#' * filled}{'.' * (self.width - filled)}] {self.done}/{self.total} {self.unit}"

    def advance(self, count: int = 1) -> None:
        self.done += count
        self._draw()

    def _draw(self, final: bool = False) -> None:
        if self._interactive:
            now = time.monotonic()
            if final or now - self._last_drawn_at >= self._min_interval:
                self._last_drawn_at = now
                self.stream.write("\r" + self.render())
                self.stream.flush()
            return
        tenth = 10 if self.total == 0 else min(self.done * 10 // self.total, 10)
        if final or tenth > self._last_tenth:
            self._last_tenth = tenth
            self.stream.write(self.render() + "\n")
            self.stream.flush()

    def finish(self) -> None:
        if self._interactive:
            self._draw(final=True)
            self.stream.write("\n")
        elif self._last_tenth < 10:
            self._draw(final=True)
        self.stream.flush()

    def __enter__(self) -> ProgressBar:
        self._draw()
        return self

    def __exit__(self, *exc_info) -> None:
        self.finish()
