"""Errors the command line turns into one-line messages (exit code 2)."""


class GanforgeError(Exception):
    """Base class for user-facing errors."""


class ConfigError(GanforgeError, ValueError):
    """A recipe, override or option is wrong; the message names it and the valid choices."""


class DataError(GanforgeError, ValueError):
    """The training data cannot be used; the message says why and what to do."""


class RunError(GanforgeError):
    """A run directory, or one file in it, is damaged or incomplete; the message names the file."""


class StorageError(GanforgeError):
    """A file cannot be written (full disk, read-only folder, no permission); the message says
    what was being written and which checkpoint is the last good one."""
