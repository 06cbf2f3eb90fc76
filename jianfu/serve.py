"""`jianfu serve`: build the warehouse from the embedded sample exports when none exists, then start Streamlit
with the flags that keep it off the network (STACK.md). It runs `asgi.py`: the dashboard on Streamlit's server
plus the login-cookie routes."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from jianfu import settings, warehouse
from jianfu.settings import ROOT

STREAMLIT_FLAGS = (
    "--server.address",
    "127.0.0.1",  # without it a headless start looks up an external IP
    "--server.headless",
    "true",
    "--browser.gatherUsageStats",
    "false",
    "--server.fileWatcherType",
    "none",
)


def sample_files() -> list[Path]:
    folder = Path(settings.get("sample_dir"))
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in (".csv", ".xlsx") and p.is_file())


def ensure_warehouse() -> Path:
    """Return the current warehouse file, importing every sample export first if there is none."""
    current = warehouse.current_path()
    if current is not None:
        return current
    from jianfu.ingest.loader import import_files

    outcomes = import_files(sample_files(), who="sample")
    refused = [o for o in outcomes if o.outcome == "refused"]
    if refused:
        raise click.ClickException("; ".join(f"{o.file_name}: {o.message}" for o in refused))
    return warehouse.current_path()


@click.command()
@click.option("--port", default=8501, show_default=True, help="Port on 127.0.0.1.")
def serve(port: int) -> None:
    """Start the dashboard (builds the sample warehouse first when none exists)."""
    path = ensure_warehouse()
    click.echo(f"warehouse: {path}")
    click.echo(f"dashboard: http://127.0.0.1:{port}")
    args = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(ROOT / "asgi.py"),
        "--server.port",
        str(port),
        *STREAMLIT_FLAGS,
    ]
    os.execv(sys.executable, args)


COMMANDS = [serve]
