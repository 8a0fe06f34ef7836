"""Errors a user can act on. The CLI prints their message as one line and exits with their code."""

from __future__ import annotations


class UserError(Exception):
    """A problem with the user's input or environment, not a bug: no traceback, a clear message."""

    exit_code = 1


class InputError(UserError):
    """An input file is missing or cannot be parsed; the message names the file and line."""

    exit_code = 2
