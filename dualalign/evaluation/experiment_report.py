"""The report of `dualalign experiment`: report.json (every number), report.md and plots."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dualalign.evaluation.report import _json, _md, _plt, _save

__all__ = ["write_experiment_report"]

_GOLD = "gold only"


def _pts(x: float) -> str:
    return f"{100 * x:+.1f}"


def _plot_estimates(result: dict[str, Any], modes: list[str], out: Path) -> str:
    plt = _plt()
    clfs = list(result["classifiers"])
    names = [_GOLD, *modes]
    fig, ax = plt.subplots(figsize=(8, 0.45 * len(names) * len(clfs) + 1.2))
    y = 0.0
    ticks, tick_labels = [], []
    colours = ["#4c72b0", "#dd8452", "#55a868"]
    for k, clf in enumerate(clfs):
        conds = result["classifiers"][clf]["conditions"]
        for name in names:
            c = conds[name]
            ax.errorbar(
                c["mean"],
                y,
                xerr=[[c["mean"] - c["low"]], [c["high"] - c["mean"]]],
                fmt="o",
                color=colours[k % len(colours)],
                capsize=3,
            )
            ticks.append(y)
            tick_labels.append(f"{clf}: {name}")
            y += 1
        y += 0.5
    ax.set_yticks(ticks, tick_labels)
    ax.invert_yaxis()
    ax.set_xlabel("macro-F1 on the test patients (mean, 95 % bootstrap interval)")
    return _save(fig, out / "experiment_f1.png")


def _plot_curve(result: dict[str, Any], modes: list[str], out: Path) -> str:
    plt = _plt()
    clfs = list(result["classifiers"])
    fig, axes = plt.subplots(1, len(clfs), figsize=(5.5 * len(clfs), 4), squeeze=False)
    for ax, clf in zip(axes[0], clfs, strict=True):
        r = result["classifiers"][clf]
        gold = r["conditions"][_GOLD]["mean"]
        for mode in modes:
            pts = sorted(r["curve"][mode].items(), key=lambda kv: float(kv[0]))
            xs = [p[1]["sentences"] for p in pts]
            ys = [r["conditions"][p[1]["condition"]]["mean"] for p in pts]
            ax.plot([0, *xs], [gold, *ys], marker="o", label=mode)
        ax.set_title(clf)
        ax.set_xlabel("synthetic sentences added (mean per run)")
        ax.set_ylabel("macro-F1")
        ax.legend(fontsize=8)
    return _save(fig, out / "experiment_budget_curve.png")


def _verdict_table(comparisons: list[dict[str, Any]]) -> list[str]:
    lines = [
        "| comparison | difference (points) | 95 % interval | p (paired) | verdict |",
        "|---|---:|---|---:|---|",
    ]
    for c in comparisons:
        lines.append(
            f"| {c['a']} − {c['b']} | {_pts(c['diff'])} | [{_pts(c['low'])}, {_pts(c['high'])}] "
            f"| {c['p']:.3f} | {c['verdict']} |"
        )
    return lines


def _analysis_lines(
    analysis: dict[str, Any], result: dict[str, Any], labels: list[str]
) -> list[str]:
    gold = analysis["gold"]
    modes = analysis["modes"]
    lines = [
        "## Error analysis",
        "",
        "Against the training gold only (the test patients are not looked at here): the label "
        "mix's total-variation distance to the gold's, how often a TF-IDF classifier trained "
        "on the training gold disagrees with a sentence's label (label noise, or a reading the "
        "gold does not support), near-duplicates within a run (word-set Jaccard ≥ 0.8), length "
        f"(gold: {gold['mean_words']:.1f} words) and the share of words the gold never uses.",
        "",
        "| mode | sentences | label-mix distance | disagreement | near-duplicates | words "
        "| unseen words |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for mode, m in modes.items():
        if not m.get("sentences"):
            continue
        lines.append(
            f"| {mode} | {m['sentences']} | {m['label_mix_tv_to_gold']:.2f} | "
            f"{m['disagreement']:.0%} | {m['near_duplicates']} | {m['mean_words']:.1f} | "
            f"{m['unseen_word_share']:.0%} |"
        )
    lines += ["", "Per label: sentences (disagreement with the gold-trained classifier).", ""]
    lines.append("| label | gold share | " + " | ".join(modes) + " |")
    lines.append("|---|---:|" + "---|" * len(modes))
    for lab in labels:
        cells = []
        for m in modes.values():
            b = m.get("by_label", {}).get(lab, {"sentences": 0, "disagreement": None})
            d = "–" if b["disagreement"] is None else f"{b['disagreement']:.0%}"
            cells.append(f"{b['sentences']} ({d})")
        lines.append(f"| {lab} | {gold['label_mix'].get(lab, 0):.0%} | " + " | ".join(cells) + " |")
    lines += ["", "Per stage of the visit written: sentences (disagreement).", ""]
    stages = sorted({s for m in modes.values() for s in m.get("by_stage", {})})
    lines.append("| stage | " + " | ".join(modes) + " |")
    lines.append("|---|" + "---|" * len(modes))
    for st in stages:
        cells = []
        for m in modes.values():
            b = m.get("by_stage", {}).get(st)
            cells.append("–" if b is None else f"{b['sentences']} ({b['disagreement']:.0%})")
        lines.append(f"| {st} | " + " | ".join(cells) + " |")
    for clf, r in result["classifiers"].items():
        conds = r["conditions"]
        lines += [
            "",
            f"Per-label test F1 change against gold only ({clf}, points):",
            "",
            "| label | gold only | " + " | ".join(modes) + " |",
            "|---|---:|" + "---:|" * len(modes),
        ]
        for lab in labels:
            base = conds[_GOLD]["per_label_f1"][lab]
            cells = [_pts(conds[m]["per_label_f1"][lab] - base) for m in modes if m in conds]
            lines.append(f"| {lab} | {base:.3f} | " + " | ".join(cells) + " |")
    lines += ["", "Sentences the gold-trained classifier reads differently (a few per mode):", ""]
    for mode, m in modes.items():
        for d in m.get("disagreements", []):
            lines.append(
                f"- {mode}: “{d['text']}” labelled `{d['label']}`, gold model `{d['gold_model']}`"
            )
    return lines


def write_experiment_report(out: Path, data: dict[str, Any]) -> None:
    """report.json, report.md and two plots into ``out`` (each written atomically)."""
    out.mkdir(parents=True, exist_ok=True)
    result, settings = data["result"], data["settings"]
    modes = list(data["runs"])
    labels = result["labels"]
    plots = [_plot_estimates(result, modes, out), _plot_curve(result, modes, out)]
    writer = data["writer"]
    g = data["gold"]
    lines = [
        "# DualAlign experiment",
        "",
        f"- Writer: {writer['backend']} model {writer['model']}; "
        f"{settings['patients_per_run']} patients per run; generation seeds "
        f"{', '.join(map(str, settings['generation_seeds']))}; style examples: "
        f"{settings['style_examples'] or 'none'}; planned labels "
        + (
            "balanced to the style examples' (fit patients') symptom-label mix."
            if settings.get("balance_labels")
            else "as walked."
        ),
        f"- Gold: {g['path']}; {g['train_sentences']} training sentences from "
        f"{g['train_patients']} patients ({len(g['validation_patients'])} of them the validation "
        f"split), {g['test_sentences']} test sentences from {len(g['test_patients'])} patients "
        f"(split seed {settings['split_seed']}).",
        f"- Classifiers: {', '.join(settings['classifiers'])}; classifier seeds "
        f"{', '.join(map(str, settings['classifier_seeds']))} (a classifier without randomness "
        "runs one). Each mode's synthetic weight "
        f"({', '.join(map(str, settings['synthetic_weights']))}) and curation were chosen on the "
        "validation split of the training gold, never on the test patients.",
        "- Intervals: 95 % percentile bootstrap over replicates (generation seed × classifier "
        "seed) and test patients; p: paired randomisation test (predictions swapped patient by "
        "patient). A difference whose interval includes 0 is reported as no measurable gain.",
        f"- Time: generation {data['seconds']['generation']:.0f} s, evaluation "
        f"{data['seconds']['evaluation']:.0f} s, total {data['seconds']['total']:.0f} s.",
        "",
    ]
    for clf, r in result["classifiers"].items():
        conds = r["conditions"]
        lines += [
            f"## {clf}",
            "",
            "| condition | macro-F1 | 95 % interval | weight | curated | synthetic sentences |",
            "|---|---:|---|---:|---|---:|",
            f"| {_GOLD} | {conds[_GOLD]['mean']:.3f} | [{conds[_GOLD]['low']:.3f}, "
            f"{conds[_GOLD]['high']:.3f}] | | | 0 |",
        ]
        for mode in modes:
            c, ch = conds[mode], r["choices"][mode]
            full = max(r["curve"][mode].items(), key=lambda kv: float(kv[0]))[1]
            lines.append(
                f"| {mode} | {c['mean']:.3f} | [{c['low']:.3f}, {c['high']:.3f}] | "
                f"{ch['weight']:g} | {'yes' if ch['curated'] else 'no'} | {full['sentences']:.0f} |"
            )
        lines += ["", *_verdict_table(r["comparisons"]), ""]
        lines += ["Learning curve over the synthetic budget (macro-F1):", ""]
        budgets = sorted(next(iter(r["curve"].values())).keys(), key=float)
        lines.append("| mode | " + " | ".join(f"{b} of each run" for b in budgets) + " |")
        lines.append("|---|" + "---:|" * len(budgets))
        for mode in modes:
            cells = [
                f"{conds[r['curve'][mode][b]['condition']]['mean']:.3f} "
                f"({r['curve'][mode][b]['sentences']:.0f})"
                for b in budgets
            ]
            lines.append(f"| {mode} | " + " | ".join(cells) + " |")
        lines.append("")
    lines += [f"![{p}]({p})" for p in plots] + [""]
    lines += _analysis_lines(data["analysis"], result, labels)
    _md(out / "report.md", lines)
    _json(out / "report.json", data)
