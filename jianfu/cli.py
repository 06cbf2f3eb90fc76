"""`jianfu …`: everything scriptable. Each area owns its commands in its own module; this file only names them.
Commands load lazily so that `jianfu kpis` does not pay for importing Streamlit, the importer or argon2."""

from __future__ import annotations

import importlib

import click

# command name → module that defines it (in that module's COMMANDS list)
COMMANDS = {
    "serve": "jianfu.serve",
    "ingest": "jianfu.ingest.commands",
    "imports": "jianfu.ingest.commands",
    "undo": "jianfu.ingest.commands",
    "rejects": "jianfu.ingest.commands",
    "sample": "jianfu.sample.commands",
    "kpis": "jianfu.metrics.commands",
    "export": "jianfu.parquet_export",
    "report": "jianfu.report.commands",
    "user": "jianfu.access.commands",
    "recover": "jianfu.access.commands",
}


class LazyGroup(click.Group):
    def list_commands(self, ctx):
        return sorted(COMMANDS)

    def invoke(self, ctx):
        """Problems a user can fix are one sentence, not a traceback: a damaged warehouse file names the way back,
        a write that failed says the warehouse is unchanged."""
        try:
            return super().invoke(ctx)
        except Exception as exc:
            from jianfu import warehouse

            if warehouse.is_damage(exc):
                reason = str(exc).strip().splitlines()[0][:200]
                raise click.ClickException(
                    f"the warehouse file is damaged ({reason}); nothing was changed — run `jianfu recover` to go "
                    "back to the newest version that reads completely"
                ) from exc
            if isinstance(exc, (warehouse.WarehouseWriteFailed, warehouse.WarehouseMissing)):
                raise click.ClickException(str(exc)) from exc
            raise

    def get_command(self, ctx, name):
        if name not in COMMANDS:
            return None
        module = importlib.import_module(COMMANDS[name])
        return next(c for c in module.COMMANDS if c.name == name)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
def main() -> None:
    """减负 Jianfu: community-reform analytics over a DuckDB warehouse."""
