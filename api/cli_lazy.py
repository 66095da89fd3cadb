"""A command group whose subcommands are imported only when run.

`stancewire analyze` should not pay for importing the eval suite (~0.25 s: its runner,
scorers and dataset adapters) or the admin and job commands. Their modules are imported
when their command is run (or its own --help asked for); the top-level --help lists them
from the one-line help given here, without importing them.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any, ClassVar

import typer
from typer import _click as click  # typer vendors click: its groups take these types
from typer.core import TyperCommand, TyperGroup


class LazyGroup(TyperGroup):
    """Subclass it with `lazy = {name: ("module:attribute", help)}`; the attribute is a
    `typer.Typer` (a command group) or a plain function (one command)."""

    lazy: ClassVar[dict[str, tuple[str, str]]] = {}
    _listing = False

    def list_commands(self, ctx: click.Context) -> list[str]:
        return [*super().list_commands(ctx), *(n for n in self.lazy if n not in self.commands)]

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        self._listing = True  # the listing needs each command's help line, not its module
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name in self.lazy and cmd_name not in self.commands:
            target, help_text = self.lazy[cmd_name]
            if self._listing:
                return TyperCommand(cmd_name, help=help_text, short_help=help_text)
            command = _load(cmd_name, target, help_text)
            if command is None:
                return None
            self.commands[cmd_name] = command
        return super().get_command(ctx, cmd_name)


def _load(name: str, target: str, help_text: str) -> click.Command | None:
    module_name, attribute = target.split(":")
    try:
        found: Any = getattr(import_module(module_name), attribute)
    except ImportError:  # an optional part (the eval suite) that is not installed
        return None
    if isinstance(found, typer.Typer):
        command: click.Command = typer.main.get_group(found)  # no completion options
    else:
        single = typer.Typer(add_completion=False)
        single.command(name=name)(found)
        command = typer.main.get_command(single)
    command.name = name
    return command
