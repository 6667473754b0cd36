"""Thin command line: parse -> call the public API -> print.

Exit codes: 0 success, 2 bad usage/config/data (one line, no traceback), 1 anything else,
130 interrupted (after the checkpoint is written).
"""
from __future__ import annotations

import sys
import warnings
from pathlib import Path
from typing import Optional, Sequence

import click

from .errors import GanforgeError

_PACKAGE = str(Path(__file__).resolve().parent)
_show_default = warnings.showwarning


def _show_warning(message, category, filename, lineno, file=None, line=None) -> None:
    """Warnings raised by ganforge's own code as one line on stderr (``ganforge: note: ...``,
    like ``console.note``), not Python's two-line ``file:line: Category`` form; others keep it."""
    if str(filename).startswith(_PACKAGE):
        click.echo(f"ganforge: note: {message}", err=True)
    else:
        _show_default(message, category, filename, lineno, file, line)


class _Group(click.Group):
    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except GanforgeError as err:
            click.echo(f"ganforge: error: {err}", err=True)
            sys.exit(2)

    def main(self, *args, **kwargs):
        """Usage errors as one line (``ganforge: error: ...; see ganforge CMD --help``), exit 2."""
        standalone = kwargs.pop("standalone_mode", True)
        try:
            code = super().main(*args, standalone_mode=False, **kwargs)
        except click.UsageError as err:
            command = err.ctx.command_path if err.ctx is not None else "ganforge"
            message = " ".join(err.format_message().split()).rstrip(".")
            click.echo(f"ganforge: error: {message}; see {command} --help", err=True)
            sys.exit(2)
        except click.ClickException as err:
            click.echo(f"ganforge: error: {' '.join(err.format_message().split())}", err=True)
            sys.exit(err.exit_code)
        except click.Abort:
            click.echo("ganforge: aborted", err=True)
            sys.exit(1)
        if standalone:  # as click does: the process ends here, with the command's exit code
            sys.exit(code if isinstance(code, int) else 0)
        return code


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="ganforge")
def cli() -> None:
    """Train, watch, evaluate and sample GANs."""


from .commands import register_commands  # noqa: E402  (needs ``cli`` defined above)

register_commands(cli)


def main(argv: Optional[Sequence[str]] = None) -> None:
    warnings.showwarning = _show_warning
    cli.main(args=list(argv) if argv is not None else None, prog_name="ganforge")
