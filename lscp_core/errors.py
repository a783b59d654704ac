"""Errors that are the user's to fix: the CLI prints them as one line, never a traceback."""


class UserError(Exception):
    """A mistake in arguments, configuration or input files. Message is one plain line."""

    exit_code = 2


class RunFailed(UserError):
    """The pipeline could not publish a database; the last good one stays in force."""

    exit_code = 1


class LockBusy(UserError):
    """Another run holds the database's lock."""

    exit_code = 75  # EX_TEMPFAIL: try again later
