"""A controlled clock's time kept in a small JSON file, so it survives restarts.

One clock serves the whole deployment (``debtflow run``), so one file does: a database
row per service would be four copies of the same fact. Writes go to a temporary file in
the same folder, then ``os.replace`` it: a crash mid-write leaves the previous time.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from pydantic import AwareDatetime, BaseModel, ValidationError

from debtflow_shared.clock import LATEST_INSTANT, SavedTime


class ClockStateUnreadable(Exception):
    """The clock file exists but holds no usable time (edited by hand, or truncated)."""


class _ClockFile(BaseModel):
    instant: AwareDatetime
    saved_at: AwareDatetime


class ClockStateFile:
    """A :class:`~debtflow_shared.clock.ClockStore` in ``path`` (created on the first move)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> SavedTime | None:
        """The saved time, None if there is no file; refuses a file it cannot trust."""
        try:
            text = self.path.read_text()
        except FileNotFoundError:
            return None
        try:
            stored = _ClockFile.model_validate_json(text)
        except ValidationError as error:
            raise self._unreadable(f"not a saved clock ({error.error_count()} errors)") from None
        if stored.instant > LATEST_INSTANT:
            raise self._unreadable(f"its time is after {LATEST_INSTANT.isoformat()}")
        return SavedTime(instant=stored.instant, saved_at=stored.saved_at)

    def save(self, saved: SavedTime) -> None:
        """Replace the file's content with ``saved`` atomically (and durably)."""
        body = _ClockFile(instant=saved.instant, saved_at=saved.saved_at).model_dump_json()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(
            dir=self.path.parent, prefix=f".{self.path.name}.", suffix=".tmp"
        )
        try:
            with os.fdopen(handle, "w") as file:
                file.write(body + "\n")
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise

    def _unreadable(self, why: str) -> ClockStateUnreadable:
        return ClockStateUnreadable(
            f"{self.path}: {why}; delete it to start the controlled clock again at today's time"
        )
