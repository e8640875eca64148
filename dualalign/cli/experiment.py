"""`dualalign experiment`: the paper's comparison as one command. From a gold file and a
budget it generates with each mode over several generation seeds, trains each classifier
under each condition, and writes a report with intervals, paired tests, a learning curve over
the synthetic budget and an error analysis.

(No ``from __future__ import annotations``: typer reads the annotations at run time.)
"""

import time
from pathlib import Path
from typing import Annotated, Any

import typer

from dualalign.cli._app import console
from dualalign.cli._options import StoreOptions, with_store
from dualalign.cli._progress import Quiet, progress_bar
from dualalign.cli.evaluate import (
    _GOLD_HELP,
    DemoFlag,
    Disease,
    LabelColumn,
    PatientColumn,
    TestFraction,
    TestPatients,
    TextColumn,
    _gold,
    _labels,
    _numbers,
)
from dualalign.cli.generate import _graph, _request
from dualalign.errors import ConfigError
from dualalign.files import atomic_write_bytes
from dualalign.generation.modes import MODES, Mode
from dualalign.llm.factory import Backend
from dualalign.settings import data_home

__all__ = ["experiment_command"]


def _names(option: str, raw: str, known: tuple[str, ...]) -> tuple[str, ...]:
    out = tuple(dict.fromkeys(p.strip() for p in raw.split(",") if p.strip()))
    unknown = [p for p in out if p not in known]
    if unknown or not out:
        raise ConfigError(
            f"{option}: unknown '{', '.join(unknown) or raw}'; use some of {', '.join(known)}"
        )
    return out


def _write_split_gold(path: Path, gold: Any) -> None:
    """A gold subset as a CSV: the fit patients', whose sentences are the writer's style
    examples and label-balance target (never the validation or test patients')."""
    import pandas as pd

    frame = pd.DataFrame(
        {"sentence": gold.texts, "label": gold.labels, "patient_id": gold.patients}
    )
    atomic_write_bytes(path, frame.to_csv(index=False).encode())


def _local_model_name() -> str:
    from dualalign.llm.local import ChatLocalLlama

    weights, _ = ChatLocalLlama().prepare()
    return str(weights.name)


@with_store
def experiment_command(
    store: StoreOptions,
    out: Annotated[Path, typer.Option(help="Experiment folder (runs/, report.md, report.json).")],
    gold: Annotated[Path | None, typer.Option(help=_GOLD_HELP)] = None,
    demo: DemoFlag = False,
    patients: Annotated[int, typer.Option(min=1, help="Budget: patients per run.")] = 8,
    gen_seeds: Annotated[str, typer.Option(help="Generation seeds (3 or more).")] = "1,2,3",
    modes: Annotated[str, typer.Option(help="Modes to generate.")] = ",".join(MODES),
    classifiers: Annotated[
        str, typer.Option(help="tfidf-lr, embed-lr and/or finetune (slow on CPU).")
    ] = "tfidf-lr,embed-lr",
    classifier_seeds: Annotated[
        str, typer.Option(help="Classifier seeds (used by classifiers with randomness).")
    ] = "0,1,2",
    synthetic_weight: Annotated[
        str, typer.Option(help="Synthetic weights to choose between on validation.")
    ] = "0.3,1",
    curate: Annotated[
        bool, typer.Option(help="Also consider curated sentences on validation.")
    ] = True,
    budgets: Annotated[
        str, typer.Option(help="Shares of each run for the learning curve, e.g. 0.25,0.5,1.")
    ] = "0.25,0.5,1",
    test_fraction: TestFraction = 0.3,
    test_patients: TestPatients = None,
    split_seed: Annotated[int, typer.Option(min=0, help="Seed of the patient split.")] = 0,
    validation_fraction: Annotated[
        float, typer.Option(help="Share of training patients for validation choices.")
    ] = 0.3,
    style: Annotated[
        bool, typer.Option(help="Show the writer fit-patient gold sentences as style examples.")
    ] = True,
    balance_labels: Annotated[
        bool,
        typer.Option(
            help="Plan every mode's labels to the fit patients' symptom-label mix (needs --style)."
        ),
    ] = True,
    llm: Annotated[Backend, typer.Option(help="LLM back-end.")] = Backend.LOCAL,
    model: Annotated[str | None, typer.Option(help="Model name (openai back-end).")] = None,
    base_url: Annotated[
        str | None, typer.Option(help="OpenAI-compatible server URL (openai back-end).")
    ] = None,
    concurrency: Annotated[int, typer.Option(min=1, max=256, help="Parallel LLM calls.")] = 1,
    max_attempts: Annotated[
        int, typer.Option(help="Generations per planned sentence before it counts as failed.")
    ] = 3,
    text_column: TextColumn = None,
    label_column: LabelColumn = "label",
    patient_column: PatientColumn = "patient_id",
    disease: Disease = "alzheimers",
    quiet: Quiet = False,
) -> None:
    """Compare the modes' utility: generate, train, and report intervals and paired tests."""
    from dualalign.evaluation.classifiers import CLASSIFIERS
    from dualalign.evaluation.comparison import (
        ComparisonSettings,
        planned_fits,
        run_comparison,
        split_gold,
    )
    from dualalign.evaluation.data import load_run
    from dualalign.evaluation.diagnose import diagnose
    from dualalign.evaluation.experiment_report import write_experiment_report
    from dualalign.generation.pipeline import RunOptions, check_models, run_generation

    started = time.perf_counter()
    if out.exists() and not out.is_dir():
        raise ConfigError(f"--out {out} is a file; give a folder")
    for name, value in (
        ("--test-fraction", test_fraction),
        ("--validation-fraction", validation_fraction),
    ):
        if not 0.0 < value < 1.0:
            raise ConfigError(f"{name}: got {value}; use a value in (0, 1)")
    seeds = tuple(_numbers("--gen-seeds", gen_seeds, int, 0))
    if len(set(seeds)) < 3:
        raise ConfigError(
            f"--gen-seeds: got {len(set(seeds))} distinct; give at least 3 "
            "(one seed's gain swings by points)"
        )
    chosen_modes = _names("--modes", modes, tuple(m.value for m in MODES))
    if "dualalign" not in chosen_modes:
        raise ConfigError("--modes: include dualalign (every comparison is against it)")
    settings = ComparisonSettings(
        classifiers=_names("--classifiers", classifiers, tuple(CLASSIFIERS)),
        classifier_seeds=tuple(_numbers("--classifier-seeds", classifier_seeds, int, 0)),
        weights=tuple(_numbers("--synthetic-weight", synthetic_weight, float, 0)),
        curate=(False, True) if curate else (False,),
        budgets=tuple(sorted(set(_numbers("--budgets", budgets, float, 0.01)))),
        validation_fraction=validation_fraction,
        validation_seed=split_seed,
    )
    if max(settings.budgets) > 1:
        raise ConfigError("--budgets: give shares of a run in (0, 1], e.g. 0.25,0.5,1")
    labels, _, _ = _labels(disease)
    gold_set = _gold(gold, demo, text_column, label_column, patient_column, labels)
    tests = tuple(p.strip() for p in test_patients.split(",")) if test_patients else ()
    split = split_gold(gold_set, split_seed, test_fraction, validation_fraction, tests)
    out.mkdir(parents=True, exist_ok=True)
    # the writer sees only the fit patients: validation choices then score sentences written
    # without the validation patients' own phrasing, as the test patients' are
    style_file = out / "gold-fit.csv"
    _write_split_gold(style_file, split.fit)

    requests = {
        (mode, seed): _request(
            patients=patients,
            seed=seed,
            mode=Mode(mode),
            style_examples=str(style_file) if style else None,
            balance_labels=balance_labels and style,
            backend=llm,
            model=model,
            base_url=base_url,
            max_attempts=max_attempts,
        )
        for mode in chosen_modes
        for seed in seeds
    }
    check_models(next(iter(requests.values())))
    with store.open() as source:
        graph = _graph(source, store, disease)
    gen_started = time.perf_counter()
    runs: dict[str, list[Any]] = {}
    with progress_bar("generating", len(requests), quiet=quiet, unit="runs") as bar:
        for (mode, seed), req in requests.items():
            folder = out / "runs" / f"{mode}-s{seed}"
            run_generation(
                req,
                graph,
                folder,
                RunOptions(concurrency=concurrency, cache=data_home() / "cache" / "llm.sqlite"),
            )
            the_run = load_run(mode, folder, labels)
            if len(the_run.frame) == 0:
                raise ConfigError(f"{folder}: the run kept no labelled sentence; raise --patients")
            runs.setdefault(mode, []).append(the_run)
            bar.advance()
    generation_s = round(time.perf_counter() - gen_started, 1)
    with progress_bar(
        "training classifiers", planned_fits(runs, settings), quiet=quiet, unit="fits"
    ) as bar:
        result = run_comparison(split, runs, labels, settings, on_progress=bar.advance)
    analysis = diagnose(split.train, runs, labels)
    first = next(iter(requests.values()))
    data = {
        "command": "experiment",
        "writer": {"backend": llm.value, "model": first.llm.model or _local_model_name()},
        "settings": {
            "patients_per_run": patients,
            "max_attempts": max_attempts,
            "generation_seeds": list(seeds),
            "modes": list(chosen_modes),
            "classifiers": list(settings.classifiers),
            "classifier_seeds": list(settings.classifier_seeds),
            "synthetic_weights": list(settings.weights),
            "curation_considered": curate,
            "budgets": list(settings.budgets),
            "split_seed": split_seed,
            "test_fraction": test_fraction,
            "validation_fraction": validation_fraction,
            "style_examples": "fit patients of the training gold" if style else None,
            "balance_labels": balance_labels and style,
        },
        "gold": {
            "path": "demo (dualalign/data/demo_gold.csv)" if demo else gold_set.path,
            "train_sentences": len(split.train.texts),
            "train_patients": len(split.train.patient_ids),
            "validation_patients": split.validation.patient_ids,
            "test_sentences": len(split.test.texts),
            "test_patients": split.test.patient_ids,
        },
        "runs": {
            mode: [{"path": r.path, "sentences": len(r.frame), "failed": r.failed} for r in group]
            for mode, group in runs.items()
        },
        "result": result,
        "analysis": analysis,
        "seconds": {
            "generation": generation_s,
            "evaluation": result["seconds"],
            "total": round(time.perf_counter() - started, 1),
        },
    }
    write_experiment_report(out, data)
    lines = []
    for clf, r in result["classifiers"].items():
        gold_mean = r["conditions"]["gold only"]["mean"]
        parts = [f"gold only {gold_mean:.3f}"] + [
            f"{m} {r['conditions'][m]['mean']:.3f}" for m in runs
        ]
        lines.append(f"{clf}: " + ", ".join(parts))
    console.print(
        f"wrote {out / 'report.md'} in {time.perf_counter() - started:.0f} s; macro-F1 "
        + "; ".join(lines),
        markup=False,
    )
