"""The ``ringkas`` command line: ``ringkas models …``, ``ringkas batch``, ``ringkas demo``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(no_args_is_help=True, help="Ringkas: Indonesian-English news translation.")
models_app = typer.Typer(no_args_is_help=True, help="Build or inspect models.")
app.add_typer(models_app, name="models")


@models_app.command("build-demo")
def build_demo(
    out: Annotated[Path, typer.Option(help="Folder to write the demo models into.")] = Path(
        "var/demo-models"
    ),
    force: Annotated[bool, typer.Option(help="Rebuild even if the folder is complete.")] = False,
) -> None:
    """Build tiny random-weight models (id→en, en→id, brief) that run without a model hub."""
    from models.build import build_demo_models, demo_model_env

    build_demo_models(out, force=force)
    typer.echo(f"Demo models (random weights, output is gibberish) in {out}. To use them:")
    for name, value in demo_model_env(out).items():
        typer.echo(f"  export {name}={value}")


@models_app.command("build-same-shape")
def build_same_shape(
    source: Annotated[
        Path, typer.Option(help="Folder with a Marian config.json and tokenizer files.")
    ] = Path("../shared/models/opus-mt-id-en"),
    out: Annotated[Path, typer.Option(help="Folder to write the model into.")] = Path(
        "var/same-shape/opus-mt-id-en"
    ),
) -> None:
    """Build a random-weight Marian model of a real model's size, for benchmarks."""
    from models.build import build_same_shape_marian

    build_same_shape_marian(source, out)
    typer.echo(f"Same-shape model (random weights) in {out}")
