"""`dualalign evaluate`, `dualalign report` and `dualalign curate`: does a run help a classifier
trained on scarce gold, how faithful, diverse and private is it, and a filtered copy.

(No ``from __future__ import annotations``: typer reads the annotations at run time.)
"""

import json
import shutil
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer

from dualalign.cli._app import console
from dualalign.cli._progress import Quiet, progress_bar
from dualalign.errors import ConfigError

__all__ = ["curate_command", "evaluate_command", "report_command"]

_GOLD_HELP = "Gold sentences (CSV, TSV, JSONL, Parquet) with text, label and patient columns."
TextColumn = Annotated[str | None, typer.Option(help="Gold text column.")]
LabelColumn = Annotated[str, typer.Option(help="Gold label column.")]
PatientColumn = Annotated[str, typer.Option(help="Gold patient column.")]
Disease = Annotated[str, typer.Option(help="Knowledge base whose labels and stages to use.")]
DemoFlag = Annotated[bool, typer.Option("--demo", help="Use the bundled fictional demo gold set.")]
TestFraction = Annotated[float, typer.Option(help="Share of gold patients held out.")]
TestPatients = Annotated[
    str | None, typer.Option(help="Held-out patient ids, comma-separated (fixed split).")
]


def _numbers(
    option: str, raw: str, cast: Any, minimum: float, allow_all: bool = False
) -> list[Any]:
    """Comma-separated numbers (each at least ``minimum``), 'all' standing for None."""
    out: list[Any] = []
    for part in (p.strip() for p in raw.split(",")):
        if allow_all and part.lower() == "all":
            out.append(None)
            continue
        try:
            value = cast(part)
        except ValueError:
            raise ConfigError(
                f"{option}: cannot read '{part}'; give comma-separated numbers"
                + (" or 'all'" if allow_all else "")
            ) from None
        if value < minimum:
            raise ConfigError(f"{option}: '{part}' is out of range; give numbers >= {minimum:g}")
        out.append(value)
    if not out:
        raise ConfigError(f"{option}: give at least one value")
    return out


def _labels(disease: str) -> tuple[list[str], list[str], Any]:
    from dualalign.ontology import load_disease, resolve_disease
    from dualalign.ontology.to_graph import disease_graph

    model = load_disease(resolve_disease(disease))
    labels = [lab.id for lab in sorted(model.labels, key=lambda lab: lab.order)]
    stages = [s.id for s in sorted(model.stages, key=lambda s: s.order) if not s.terminal]
    return labels, stages, disease_graph(model)


def _gold(
    gold: Path | None, demo: bool, text: str | None, label: str, patient: str, labels: list[str]
) -> Any:
    from dualalign.evaluation.data import demo_gold_path, load_gold

    if demo and gold:
        raise ConfigError("give --gold FILE or --demo, not both")
    if not demo and not gold:
        raise ConfigError("give --gold FILE (your annotated sentences) or --demo (the bundled set)")
    path = gold if gold is not None else demo_gold_path()  # exactly one of them is given
    return load_gold(path, labels, text, label, patient)


def evaluate_command(
    out: Annotated[Path, typer.Option(help="Report folder (report.md, report.json, plots).")],
    gold: Annotated[Path | None, typer.Option(help=_GOLD_HELP)] = None,
    demo: DemoFlag = False,
    run: Annotated[
        list[str] | None,
        typer.Option(
            help="NAME=RUN_DIR (repeatable; runs sharing a NAME pool into one condition)."
        ),
    ] = None,
    classifier: Annotated[str, typer.Option(help="tfidf-lr, embed-lr or finetune.")] = "tfidf-lr",
    seeds: Annotated[str, typer.Option(help="Split seeds, comma-separated.")] = "0,1,2,3,4",
    gold_patients: Annotated[
        str, typer.Option(help="Gold training sizes in patients (learning curve), e.g. 5,10,all.")
    ] = "all",
    synthetic_weight: Annotated[
        str, typer.Option(help="Weights of synthetic sentences to sweep, e.g. 0.1,0.3,1.")
    ] = "1",
    curate: Annotated[
        bool, typer.Option("--curate", help="Also mix only the sentences gold agrees with.")
    ] = False,
    test_fraction: TestFraction = 0.3,
    test_patients: TestPatients = None,
    text_column: TextColumn = None,
    label_column: LabelColumn = "label",
    patient_column: PatientColumn = "patient_id",
    disease: Disease = "alzheimers",
    quiet: Quiet = False,
) -> None:
    """Train sentence classifiers on gold, gold + each run and each run alone; report F1."""
    from dualalign.evaluation.classifiers import CLASSIFIERS
    from dualalign.evaluation.data import load_run
    from dualalign.evaluation.experiment import ExperimentSettings, planned_fits, run_experiment
    from dualalign.evaluation.report import write_evaluation_report

    if classifier not in CLASSIFIERS:
        raise ConfigError(
            f"--classifier: unknown '{classifier}'; use one of {', '.join(CLASSIFIERS)}"
        )
    if out.exists() and not out.is_dir():
        raise ConfigError(f"--out {out} is a file; give a folder")
    settings = ExperimentSettings(
        classifier=classifier,
        seeds=tuple(_numbers("--seeds", seeds, int, 0)),
        gold_patients=tuple(_numbers("--gold-patients", gold_patients, int, 1, allow_all=True)),
        weights=tuple(_numbers("--synthetic-weight", synthetic_weight, float, 0)),
        curate=curate,
        test_fraction=test_fraction,
        test_patients=tuple(p.strip() for p in test_patients.split(",")) if test_patients else (),
    )
    if not 0.0 < test_fraction < 1.0:
        raise ConfigError(f"--test-fraction: got {test_fraction}; use a value in (0, 1)")
    labels, _, _ = _labels(disease)
    gold_set = _gold(gold, demo, text_column, label_column, patient_column, labels)
    runs: dict[str, list[Any]] = {}
    for spec in run or []:
        name, sep, folder = spec.partition("=")
        if not sep or not name.strip() or not folder.strip():
            raise ConfigError(f"--run: got '{spec}'; write NAME=RUN_DIR, e.g. dualalign=runs/demo")
        runs.setdefault(name.strip(), []).append(load_run(name.strip(), folder.strip(), labels))
    for name, group in runs.items():
        for r in group:
            if len(r.frame) == 0:
                raise ConfigError(f"--run {name}={r.path}: no labelled sentences to use")
    total = planned_fits(runs, settings)
    with progress_bar("training classifiers", total, quiet=quiet, unit="fits") as bar:
        result = run_experiment(gold_set, runs, labels, settings, on_progress=bar.advance)
    data = {
        "command": "evaluate",
        "settings": {
            "classifier": classifier,
            "seeds": list(settings.seeds),
            "gold_patients": ["all" if g is None else g for g in settings.gold_patients],
            "synthetic_weights": list(settings.weights),
            "curate": curate,
            "test_fraction": test_fraction,
            "test_patients": list(settings.test_patients),
        },
        "gold": {
            "path": gold_set.path if not demo else "demo (dualalign/data/demo_gold.csv)",
            "sentences": len(gold_set.texts),
            "patients": len(gold_set.patient_ids),
        },
        "runs": {
            name: [
                {
                    "path": r.path,
                    "sentences": len(r.frame),
                    "failed": r.failed,
                    "unlabelled": r.unlabelled,
                }
                for r in group
            ]
            for name, group in runs.items()
        },
        "result": result,
    }
    write_evaluation_report(out, data)
    gold_row = (
        next(c for c in result["conditions"] if c["name"] == "gold" and c["gold_patients"] == "all")
        if any(c["gold_patients"] == "all" for c in result["conditions"])
        else result["conditions"][0]
    )
    summary = f"gold only {gold_row['macro_f1']['mean']:.3f}"
    for name, best in result["best"].items():
        summary += f"; best {name}: {best['condition']} {best['macro_f1']:.3f}"
    hint = "" if runs else " (no --run given: gold only; add --run NAME=RUN_DIR to compare runs)"
    console.print(f"wrote {out / 'report.md'}: macro-F1 {summary}{hint}", markup=False)


def report_command(
    run_dir: Annotated[Path, typer.Argument(help="A run folder written by `dualalign generate`.")],
    gold: Annotated[Path | None, typer.Option(help=_GOLD_HELP + " Optional.")] = None,
    out: Annotated[
        Path | None, typer.Option(help="Report folder (default: RUN_DIR/report).")
    ] = None,
    text_column: TextColumn = None,
    label_column: LabelColumn = "label",
    patient_column: PatientColumn = "patient_id",
    disease: Disease = "alzheimers",
) -> None:
    """One run's intrinsic quality: fidelity, diversity, privacy and closeness to gold."""
    from dualalign.evaluation.data import load_gold, load_run
    from dualalign.evaluation.report import write_run_report
    from dualalign.evaluation.run_report import intrinsic_report

    labels, stages, graph = _labels(disease)
    the_run = load_run("run", run_dir, labels)
    gold_set = load_gold(gold, labels, text_column, label_column, patient_column) if gold else None
    target = out or run_dir / "report"
    if target.exists() and not target.is_dir():
        raise ConfigError(f"--out {target} is a file; give a folder")
    report = intrinsic_report(the_run, graph, gold_set)
    write_run_report(target, {"command": "report", "report": report}, labels, stages)
    console.print(
        f"wrote {target / 'report.md'}: {report['sentences']} sentences, grounding rate "
        f"{report['grounding_rate']:.2f}, distinct-2 {report['diversity']['distinct_2']:.2f}",
        markup=False,
    )


def curate_command(
    run_dir: Annotated[Path, typer.Argument(help="A run folder written by `dualalign generate`.")],
    gold: Annotated[Path, typer.Option(help=_GOLD_HELP)],
    out: Annotated[Path, typer.Option(help="New run folder with the kept sentences.")],
    classifier: Annotated[str, typer.Option(help="tfidf-lr, embed-lr or finetune.")] = "tfidf-lr",
    seed: Annotated[int, typer.Option(help="Classifier seed.")] = 0,
    text_column: TextColumn = None,
    label_column: LabelColumn = "label",
    patient_column: PatientColumn = "patient_id",
    disease: Disease = "alzheimers",
) -> None:
    """Keep only the sentences whose label a classifier trained on all gold agrees with."""
    from dualalign.evaluation.data import load_gold, load_run
    from dualalign.evaluation.experiment import curate_mask

    labels, _, _ = _labels(disease)
    if out.exists():
        raise ConfigError(f"--out {out} exists; give a new folder")
    the_run = load_run("run", run_dir, labels)
    gold_set = load_gold(gold, labels, text_column, label_column, patient_column)
    keep = curate_mask(
        the_run.texts, the_run.labels, gold_set.texts, gold_set.labels, classifier, seed
    )
    kept_ids = {
        (row["note_id"], int(row["sentence_index"]))
        for row, k in zip(the_run.frame.to_dict(orient="records"), keep, strict=True)
        if k
    }
    staging = Path(
        tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent if out.parent.exists() else None)
    )
    try:
        lines = (run_dir / "sentences.jsonl").read_text(encoding="utf-8").splitlines()
        kept = [
            line
            for line in lines
            if line.strip()
            and (json.loads(line)["note_id"], int(json.loads(line)["sentence_index"])) in kept_ids
        ]
        (staging / "sentences.jsonl").write_text("".join(k + "\n" for k in kept), encoding="utf-8")
        for name in ("notes.jsonl", "failures.jsonl", "tasks.done"):
            if (run_dir / name).is_file():
                shutil.copy2(run_dir / name, staging / name)
        manifest_path = run_dir / "manifest.json"
        manifest = json.loads(manifest_path.read_text()) if manifest_path.is_file() else {}
        manifest["curation"] = {
            "source": str(run_dir),
            "gold": str(gold),
            "classifier": classifier,
            "seed": seed,
            "kept": len(kept),
            "dropped": len(the_run.frame) - len(kept),
        }
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=2), encoding="utf-8")
        out.parent.mkdir(parents=True, exist_ok=True)
        staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    console.print(
        f"kept {len(kept)} of {len(the_run.frame)} sentences whose label a gold-trained "
        f"{classifier} agrees with; wrote {out}",
        markup=False,
    )
