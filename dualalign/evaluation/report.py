"""Write evaluation reports: report.json (every number), report.md and PNG plots (matplotlib),
each file written atomically."""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import numpy as np

from dualalign.errors import ConfigError
from dualalign.files import atomic_write_bytes

__all__ = ["write_evaluation_report", "write_run_report"]


def _plt() -> Any:
    try:
        import matplotlib
    except ImportError as exc:
        raise ConfigError("reports need matplotlib; pip install 'dualalign[eval]'") from exc
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(fig: Any, path: Path) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight", metadata={"Software": None})
    _plt().close(fig)
    atomic_write_bytes(path, buffer.getvalue())
    return path.name


def _json(path: Path, data: dict[str, Any]) -> None:
    atomic_write_bytes(path, (json.dumps(data, indent=2, sort_keys=True) + "\n").encode())


def _md(path: Path, lines: list[str]) -> None:
    atomic_write_bytes(path, ("\n".join(lines) + "\n").encode())


def _f(x: float | None) -> str:
    return "n/a" if x is None else f"{x:.3f}"


# ---------------------------------------------------------------- evaluate


def _plot_conditions(conds: list[dict[str, Any]], out: Path) -> str:
    plt = _plt()
    fig, ax = plt.subplots(figsize=(8, 0.35 * len(conds) + 1.2))
    names = [c["name"] for c in conds]
    means = [c["macro_f1"]["mean"] for c in conds]
    stds = [c["macro_f1"]["std"] for c in conds]
    ax.barh(range(len(conds)), means, xerr=stds, color="#4c72b0", capsize=3)
    ax.set_yticks(range(len(conds)), names)
    ax.invert_yaxis()
    ax.set_xlabel("macro-F1 (mean ± sd over split seeds × runs)")
    ax.set_xlim(0, 1)
    return _save(fig, out / "f1_by_condition.png")


def _plot_curve(result: dict[str, Any], shown: list[str], out: Path) -> str:
    plt = _plt()
    fig, ax = plt.subplots(figsize=(7, 4))
    for name in shown:
        pts = [c for c in result["conditions"] if c["name"] == name]
        xs = [c["gold_patients"] for c in pts]
        order = sorted(range(len(xs)), key=lambda i: 1e9 if xs[i] == "all" else int(xs[i]))
        xs = [xs[i] for i in order]
        ys = [pts[i]["macro_f1"]["mean"] for i in order]
        es = [pts[i]["macro_f1"]["std"] for i in order]
        ax.errorbar(range(len(xs)), ys, yerr=es, marker="o", capsize=3, label=name)
        ax.set_xticks(range(len(xs)), xs)
    ax.set_xlabel("gold training patients")
    ax.set_ylabel("macro-F1")
    ax.set_ylim(0, 1)
    ax.legend(fontsize=7)
    return _save(fig, out / "learning_curve.png")


def _plot_per_label(conds: list[dict[str, Any]], labels: list[str], out: Path) -> str:
    plt = _plt()
    fig, ax = plt.subplots(figsize=(9, 4))
    width = 0.8 / max(1, len(conds))
    for i, c in enumerate(conds):
        ax.bar(
            np.arange(len(labels)) + i * width,
            [c["per_label_f1"][lab] for lab in labels],
            width,
            label=c["name"],
        )
    ax.set_xticks(np.arange(len(labels)) + 0.4 - width / 2, labels, rotation=20, fontsize=8)
    ax.set_ylabel("F1")
    ax.set_ylim(0, 1)
    ax.legend(fontsize=7)
    return _save(fig, out / "per_label_f1.png")


def _plot_confusion(matrix: list[list[int]], labels: list[str], title: str, out: Path) -> str:
    plt = _plt()
    m = np.asarray(matrix, dtype=float)
    fig, ax = plt.subplots(figsize=(6, 5))
    ax.imshow(m, cmap="Blues")
    for i in range(m.shape[0]):
        for j in range(m.shape[1]):
            ax.text(j, i, int(m[i, j]), ha="center", va="center", fontsize=7)
    ax.set_xticks(range(len(labels)), labels, rotation=45, ha="right", fontsize=7)
    ax.set_yticks(range(len(labels)), labels, fontsize=7)
    ax.set_xlabel("predicted")
    ax.set_ylabel("gold")
    ax.set_title(title, fontsize=9)
    return _save(fig, out / "confusion.png")


def write_evaluation_report(out: Path, data: dict[str, Any]) -> None:
    """report.json, report.md and plots for `dualalign evaluate`."""
    out.mkdir(parents=True, exist_ok=True)
    result = data["result"]
    labels = result["labels"]
    full = [c for c in result["conditions"] if c["gold_patients"] == "all"]
    plots = {"f1": _plot_conditions(full, out)} if full else {}
    best_names = [b["condition"] for b in result["best"].values()]
    shown = ["gold", *best_names]
    if len({c["gold_patients"] for c in result["conditions"]}) > 1:
        plots["curve"] = _plot_curve(result, shown, out)
    chosen = [c for c in full if c["name"] in shown]
    if chosen:
        plots["per_label"] = _plot_per_label(chosen, labels, out)
    top = best_names[0] if best_names else "gold"
    key = f"{top}|all"
    if key in result["confusion"]:
        plots["confusion"] = _plot_confusion(
            result["confusion"][key], labels, f"{top} (summed over seeds)", out
        )
    data = {**data, "plots": plots}
    _json(out / "report.json", data)
    lines = [
        "# dualalign evaluation",
        "",
        f"Gold: `{data['gold']['path']}`: {data['gold']['sentences']} sentences, "
        f"{data['gold']['patients']} patients. Classifier `{data['settings']['classifier']}`; "
        f"split seeds {data['settings']['seeds']}; test fraction "
        f"{data['settings']['test_fraction']} of patients. {result['fits']} classifiers trained "
        f"in {result['seconds']} s.",
        "",
    ]
    if data["runs"]:
        lines += ["## Runs", "", "| name | run | sentences used | failed grounding | unlabelled |"]
        lines += ["|---|---|---|---|---|"]
        for name, rows in data["runs"].items():
            for r in rows:
                lines.append(
                    f"| {name} | `{r['path']}` | {r['sentences']} | {r['failed']} | "
                    f"{r['unlabelled']} |"
                )
        lines.append("")
    else:
        lines += [
            "No runs given: gold only. Add runs with `--run NAME=RUN_DIR` (repeat a NAME for",
            "several generation seeds), e.g.",
            "`--run dualalign=runs/da-s1 --run dualalign=runs/da-s2`.",
            "",
        ]
    lines += ["## Macro-F1 by condition (all gold training patients)", ""]
    lines += ["| condition | macro-F1 mean | sd | n | train sentences |", "|---|---|---|---|---|"]
    for c in full:
        lines.append(
            f"| {c['name']} | {c['macro_f1']['mean']:.3f} | {c['macro_f1']['std']:.3f} | "
            f"{c['n']} | {c['train_sentences']:.0f} |"
        )
    if "f1" in plots:
        lines += ["", f"![F1 by condition]({plots['f1']})"]
    if result["best"]:
        lines += ["", "## Best mix per run", "", "| run | condition | macro-F1 | gain over gold |"]
        lines += ["|---|---|---|---|"]
        for name, b in result["best"].items():
            lines.append(
                f"| {name} | {b['condition']} | {b['macro_f1']:.3f} | {_f(b['gain_over_gold'])} |"
            )
        lines += [
            "",
            "The best weight and curation are chosen on the test split, so the best mix is an "
            "optimistic (oracle) figure; the whole sweep is in the table above.",
        ]
    if result["curation_kept"]:
        lines += ["", "Share of synthetic sentences kept by curation:"]
        lines += [f"- {k}: {v:.0%}" for k, v in result["curation_kept"].items()]
    if "curve" in plots:
        lines += [
            "",
            "## Learning curve over gold size",
            "",
            "| condition | gold patients | macro-F1 | sd |",
        ]
        lines += ["|---|---|---|---|"]

        def size(c: dict[str, Any]) -> float:
            return float("inf") if c["gold_patients"] == "all" else float(c["gold_patients"])

        for c in sorted(
            result["conditions"],
            key=lambda c: (shown.index(c["name"]) if c["name"] in shown else 0, size(c)),
        ):
            if c["name"] in shown:
                lines.append(
                    f"| {c['name']} | {c['gold_patients']} | {c['macro_f1']['mean']:.3f} | "
                    f"{c['macro_f1']['std']:.3f} |"
                )
        lines += ["", f"![learning curve]({plots['curve']})"]
    if chosen:
        lines += ["", "## Per-label F1", "", "| condition | " + " | ".join(labels) + " |"]
        lines += ["|---|" + "---|" * len(labels)]
        for c in chosen:
            lines.append(
                f"| {c['name']} | "
                + " | ".join(f"{c['per_label_f1'][lab]:.2f}" for lab in labels)
                + " |"
            )
        lines += ["", f"![per-label F1]({plots['per_label']})"]
    if "confusion" in plots:
        lines += ["", "## Confusion matrix", "", f"![confusion matrix]({plots['confusion']})"]
    _md(out / "report.md", lines)


# ---------------------------------------------------------------- report (one run)


def _plot_heatmap(stage_by_label: dict[str, dict[str, int]], labels: list[str], out: Path) -> str:
    plt = _plt()
    stages = list(stage_by_label)
    m = np.array([[stage_by_label[s].get(lab, 0) for lab in labels] for s in stages], float)
    fig, ax = plt.subplots(figsize=(7, 0.5 * len(stages) + 1.5))
    ax.imshow(m, cmap="Oranges", aspect="auto")
    for i in range(m.shape[0]):
        for j in range(m.shape[1]):
            ax.text(j, i, int(m[i, j]), ha="center", va="center", fontsize=7)
    ax.set_xticks(range(len(labels)), labels, rotation=30, ha="right", fontsize=7)
    ax.set_yticks(range(len(stages)), stages, fontsize=8)
    ax.set_title("sentences by stage × label", fontsize=9)
    return _save(fig, out / "stage_label_heatmap.png")


def _plot_timelines(timelines: list[dict[str, Any]], stage_order: list[str], out: Path) -> str:
    plt = _plt()
    fig, ax = plt.subplots(figsize=(8, 0.5 * len(timelines) + 1.5))
    colors = plt.get_cmap("viridis")(np.linspace(0, 1, max(1, len(stage_order))))
    rank = {s: i for i, s in enumerate(stage_order)}
    for row, t in enumerate(timelines):
        for v in t["visits"]:
            ax.scatter(
                v["t"],
                row,
                color=colors[rank.get(v["stage"], 0)],
                s=60 if v["written"] else 12,
                edgecolors="black" if v["written"] else "none",
                zorder=3 if v["written"] else 2,
            )
    for s, i in rank.items():
        ax.scatter([], [], color=colors[i], label=s)
    ax.set_yticks(range(len(timelines)), [t["id"] for t in timelines], fontsize=7)
    ax.set_xlabel("years from diagnosis (large dots: notes written)")
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return _save(fig, out / "timelines.png")


def _plot_similarity(values: list[float], out: Path) -> str:
    plt = _plt()
    fig, ax = plt.subplots(figsize=(6, 3.5))
    ax.hist(values, bins=20, range=(0, 1), color="#55a868")
    ax.set_xlabel("cosine to the nearest gold sentence (MiniLM)")
    ax.set_ylabel("synthetic sentences")
    return _save(fig, out / "similarity_to_gold.png")


def write_run_report(out: Path, data: dict[str, Any], labels: list[str], stages: list[str]) -> None:
    """report.json, report.md and plots for `dualalign report`."""
    out.mkdir(parents=True, exist_ok=True)
    r = data["report"]
    plots = {}
    if r["stage_by_label"]:
        plots["heatmap"] = _plot_heatmap(r["stage_by_label"], labels, out)
    if r.get("timelines"):
        plots["timelines"] = _plot_timelines(r["timelines"], stages, out)
    if "embedding" in r:
        plots["similarity"] = _plot_similarity(r["embedding"]["nearest_gold_cosine"], out)
    data = {**data, "plots": plots}
    _json(out / "report.json", data)
    d = r["diversity"]
    lines = [
        "# dualalign run report",
        "",
        f"Run `{r['run']}`: {r['sentences']} labelled sentences; excluded: "
        f"{r['excluded']['failed_grounding']} planned sentences that failed grounding, "
        f"{r['excluded']['unlabelled']} without a usable label.",
        "",
        "## Fidelity",
        "",
        f"- grounding rate (kept / planned): {_f(r['grounding_rate'])}",
        "- annotator agreement: "
        + (", ".join(f"{k} {_f(v)}" for k, v in r["agreement"].items()) or "n/a"),
    ]
    if "label_matches_plan" in r:
        c = r["labels_vs_plan"]
        lines += [
            f"- label equals the planned label: {_f(r['label_matches_plan'])}",
            f"- label distribution vs plan: chi2 {c['chi2']:.1f}, dof {c['dof']}, p {c['p']:.3g}",
        ]
    if "note_stages_vs_walks" in r:
        c = r["note_stages_vs_walks"]
        lines.append(
            f"- stage mix of notes vs walked visits: chi2 {c['chi2']:.1f}, dof {c['dof']}, "
            f"p {c['p']:.3g}"
        )
    lines += ["", "| label | sentences | planned |", "|---|---|---|"]
    for lab in labels:
        lines.append(
            f"| {lab} | {r['labels'].get(lab, 0)} | {r.get('planned_labels', {}).get(lab, '')} |"
        )
    if "heatmap" in plots:
        lines += ["", f"![stage by label]({plots['heatmap']})"]
    if "personas_vs_population" in r:
        lines += [
            "",
            "## Personas and walks",
            "",
            "| check | chi2 | dof | p |",
            "|---|---|---|---|",
        ]
        for attr, c in r["personas_vs_population"].items():
            lines.append(
                f"| persona {attr} vs population | {c['chi2']:.1f} | {c['dof']} | {c['p']:.3g} |"
            )
        for name, c in r["walks_vs_graph"].items():
            if isinstance(c, dict):
                lines.append(
                    f"| walks: {name} vs graph | {c['chi2']:.1f} | {c['dof']} | {c['p']:.3g} |"
                )
    if "timelines" in plots:
        lines += ["", f"![trajectory timelines]({plots['timelines']})"]
    lines += [
        "",
        "## Diversity",
        "",
        f"distinct-1 {d['distinct_1']:.3f}, distinct-2 {d['distinct_2']:.3f}, distinct-3 "
        f"{d['distinct_3']:.3f}, self-BLEU {d['self_bleu']:.3f}",
        "",
        "## Privacy: identifier patterns",
        "",
        ", ".join(f"{k}: {v}" for k, v in r["phi"].items()),
    ]
    if "gold_overlap" in r:
        g = r["gold_overlap"]
        lines += [
            "",
            "## Closeness to gold",
            "",
            f"- longest word run shared with gold: mean {g['longest_shared_ngram_mean']:.2f}, "
            f"max {g['longest_shared_ngram_max']}; sentences with an 8-word copy: "
            f"{g['copies_8gram']}",
        ]
        if "embedding" in r:
            e = r["embedding"]
            lines += [
                f"- centroid cosine distance (MiniLM): {e['centroid_cosine_distance']:.3f}; mean "
                f"cosine to the nearest gold sentence: {e['nearest_gold_cosine_mean']:.3f}",
                "",
                f"![similarity to gold]({plots['similarity']})",
            ]
    _md(out / "report.md", lines)
