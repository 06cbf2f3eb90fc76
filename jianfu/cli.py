"""`jianfu …`: everything scriptable. Each area owns its commands in its own module (COMMANDS list);
this file only gathers them."""
from __future__ import annotations

import importlib

import click

# Modules that expose COMMANDS: a list of click commands. Listed here so `jianfu --help` shows them all.
COMMAND_MODULES = (
    "jianfu.serve",
    "jianfu.ingest.commands",
    "jianfu.sample.commands",
    "jianfu.metrics.commands",
    "jianfu.report.commands",
    "jianfu.access.commands",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """减负 Jianfu: community-reform analytics over a DuckDB warehouse."""


for module_name in COMMAND_MODULES:
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as exc:
        if exc.name and module_name.startswith(exc.name):
            continue  # that area is not built yet
        raise
    for command in module.COMMANDS:
        main.add_command(command)
