"""`dualalign annotate`: label any table of sentences with the rule or LLM annotator.

(No ``from __future__ import annotations``: typer reads the annotations at run time.)
"""

from pathlib import Path
from typing import Annotated

import typer

from dualalign.cli._app import console
from dualalign.cli._progress import Quiet
from dualalign.errors import ConfigError
from dualalign.generation.config import Annotator, Primary
from dualalign.llm.factory import Backend, StructuredMethod

__all__ = ["annotate_command"]


def annotate_command(
    file: Annotated[
        Path, typer.Argument(help="Sentences: .csv, .tsv, .jsonl, .parquet or .txt (one a line).")
    ],
    out: Annotated[Path, typer.Option(help="Output table (.csv, .tsv, .jsonl or .parquet).")],
    annotator: Annotated[
        list[Annotator] | None,
        typer.Option(help="rule (default) and/or llm; repeat for both."),
    ] = None,
    text_column: Annotated[
        str | None, typer.Option(help="The text column (default: sentence, then text).")
    ] = None,
    label_column: Annotated[str, typer.Option(help="Name of the added label column.")] = "label",
    primary: Annotated[
        Primary,
        typer.Option(
            help="Which annotator fills the label column when both run: llm, rule, or auto "
            "(rule with --llm local, whose 135M model labels poorly; llm otherwise)."
        ),
    ] = Primary.AUTO,
    disease: Annotated[str, typer.Option(help="Knowledge base whose labels and terms to use.")] = (
        "alzheimers"
    ),
    llm: Annotated[Backend, typer.Option(help="LLM back-end for --annotator llm.")] = Backend.LOCAL,
    model: Annotated[str | None, typer.Option(help="Model name (openai back-end).")] = None,
    base_url: Annotated[
        str | None, typer.Option(envvar="OPENAI_BASE_URL", help="OpenAI-compatible server URL.")
    ] = None,
    model_path: Annotated[str | None, typer.Option(help="hf/local: model folder or file.")] = None,
    structured_method: Annotated[
        StructuredMethod,
        typer.Option(help="How the LLM annotator gets JSON (auto: the back-end's best)."),
    ] = StructuredMethod.AUTO,
    batch: Annotated[int, typer.Option(min=1, max=64, help="Sentences per LLM call.")] = 8,
    overwrite: Annotated[bool, typer.Option(help="Replace an existing --out file.")] = False,
    quiet: Quiet = False,
) -> None:
    """Label every sentence of a file; the output keeps the input's rows, order and columns."""
    from dualalign.ontology import load_disease, resolve_disease
    from dualalign.ontology.to_graph import disease_graph
    from dualalign.sentence_table import read_sentence_table, write_sentence_table

    names = list(dict.fromkeys(annotator or [Annotator.RULE]))
    if primary == Primary.AUTO:
        primary = Primary.RULE if llm == Backend.LOCAL else Primary.LLM
    if out.suffix.lower() not in (".csv", ".tsv", ".jsonl", ".ndjson", ".parquet"):
        raise ConfigError(f"--out {out}: give a .csv, .tsv, .jsonl or .parquet file")
    if out.resolve() == file.resolve():
        raise ConfigError("--out is the input file; write the labels to a new file")
    if out.exists() and not overwrite:
        raise ConfigError(f"--out {out} exists; pass --overwrite to replace it")
    table = read_sentence_table(file, text_column)
    added = [label_column, *(f"{label_column}_{n.value}" for n in names)]
    clash = [c for c in added if c in table.frame.columns]
    if clash:
        raise ConfigError(
            f"{file} already has a column '{clash[0]}'; name the added one with --label-column"
        )
    graph = disease_graph(load_disease(resolve_disease(disease)))
    from dualalign.generation.annotator_run import annotate_texts

    labels = annotate_texts(
        table.texts,
        graph,
        [n.value for n in names],
        llm_options={
            "backend": llm,
            "model": model,
            "base_url": base_url,
            "model_path": model_path,
            "structured_method": structured_method,
        },
        batch=batch,
        progress=console.is_terminal and not quiet,
    )
    frame = table.frame.copy()
    lead = primary.value if primary.value in labels else names[0].value
    frame[label_column] = labels[lead]
    for name in names:
        frame[f"{label_column}_{name.value}"] = labels[name.value]
    write_sentence_table(frame, out)
    counts = frame[label_column].value_counts().to_dict()
    console.print(
        f"labelled {len(frame)} sentences with {', '.join(n.value for n in names)} into {out}; "
        f"{label_column}: {counts}",
        markup=False,
    )
