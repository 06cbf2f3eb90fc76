"""The one error a user can cause with a whole file: it is refused with a sentence naming the problem and the fix."""

from __future__ import annotations


class ImportRefused(Exception):
    """The file (or mapping) cannot be imported at all; `str(exc)` is one sentence fit to show the user.

    Row-level problems never raise this: those rows go to `rejects` and the rest of the file loads."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message
