"""Errors the command line turns into one-line messages (exit code 2)."""


class GanforgeError(Exception):
    """Base class for user-facing errors. The message is kept to one line: line breaks that a
    quoted user value brings in (a key or name containing a newline) become spaces."""

    def __init__(self, *args: object):
        if args and isinstance(args[0], str) and ("\n" in args[0] or "\r" in args[0]):
            args = (" ".join(args[0].strip().splitlines()), *args[1:])
        super().__init__(*args)


class ConfigError(GanforgeError, ValueError):
    """A recipe, override or option is wrong; the message names it and the valid choices."""


class DataError(GanforgeError, ValueError):
    """The training data cannot be used; the message says why and what to do."""


class RunError(GanforgeError):
    """A run directory, or one file in it, is damaged or incomplete; the message names the file."""


class StorageError(GanforgeError):
    """A file cannot be written (full disk, read-only folder, no permission); the message says
    what was being written and which checkpoint is the last good one."""
