"""The dataset card (``README.md``) of an export: the Hugging Face YAML header, then what the
data is, how it was made (from ``manifest.json``), its label and stage distributions, intended
use and limitations. Everything in it is computed from the facts passed in.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from dualalign.export.run import KnowledgeBase, RunFolder
from dualalign.export.schema import sentence_schema

__all__ = [
    "CardFacts",
    "SplitFacts",
    "card_header",
    "feature_yaml",
    "render_card",
    "size_category",
]

PAPER = "https://arxiv.org/abs/2509.10538"
_SIZES = (
    (1_000, "n<1K"),
    (10_000, "1K<n<10K"),
    (100_000, "10K<n<100K"),
    (1_000_000, "100K<n<1M"),
    (10_000_000, "1M<n<10M"),
    (100_000_000, "10M<n<100M"),
    (1_000_000_000, "100M<n<1B"),
)
_PLAIN_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class SplitFacts:
    """One split: who and what it holds."""

    name: str
    #: data files, relative to the export folder (a glob for ``hf``)
    path: str
    patients: int
    notes: int
    sentences: int
    #: the split's size as an Arrow table (``dataset_info.splits[].num_bytes``)
    num_bytes: int
    labels: Mapping[str, int]
    stages: Mapping[str, int]


@dataclass(frozen=True)
class CardFacts:
    """What the card says, all of it computed by the exporter."""

    fmt: str
    license: str
    run: RunFolder
    kb: KnowledgeBase
    splits: tuple[SplitFacts, ...]
    split_spec: str | None
    split_seed: int
    dualalign_version: str

    @property
    def sentences(self) -> int:
        """Rows in all splits."""
        return sum(s.sentences for s in self.splits)

    @property
    def pretty_name(self) -> str:
        """A title for the dataset."""
        return f"dualalign synthetic clinical sentences: {self.kb.title}"


def size_category(rows: int) -> str:
    """The Hugging Face ``size_categories`` bucket for ``rows`` examples."""
    for limit, name in _SIZES:
        if rows < limit:
            return name
    return "n>1B"


# ------------------------------------------------------------------------------- YAML header


def _scalar(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(str(value), ensure_ascii=False)  # a JSON string is a YAML scalar


def _key(key: str) -> str:
    return key if _PLAIN_KEY.match(key) else json.dumps(key)


def _yaml(value: Any, indent: int = 0) -> list[str]:
    """Block-style YAML for nested dicts, lists and scalars (strings always quoted)."""
    pad = " " * indent
    lines: list[str] = []
    if isinstance(value, Mapping):
        for k, v in value.items():
            if isinstance(v, Mapping | list) and v:
                lines.append(f"{pad}{_key(k)}:")
                lines.extend(_yaml(v, indent + 2))
            elif isinstance(v, Mapping | list):
                lines.append(f"{pad}{_key(k)}: {'{}' if isinstance(v, Mapping) else '[]'}")
            else:
                lines.append(f"{pad}{_key(k)}: {_scalar(v)}")
        return lines
    for item in value:
        if isinstance(item, Mapping | list) and item:
            nested = _yaml(item, indent + 2)
            lines.append(f"{pad}- {nested[0].lstrip()}")
            lines.extend(nested[1:])
        else:
            lines.append(f"{pad}- {_scalar(item)}")
    return lines


def _dtype(kind: pa.DataType) -> Any:
    if pa.types.is_list(kind):
        return {"list": _dtype(kind.value_type)}
    if pa.types.is_struct(kind):
        return {"struct": [{"name": f.name, **_feature(f.type)} for f in kind]}
    return "float64" if pa.types.is_float64(kind) else str(kind)


def _type_name(kind: pa.DataType) -> str:
    """A short type name for the fields table: ``list<string>``, ``struct<llm: string>``."""
    if pa.types.is_list(kind):
        return f"list<{_type_name(kind.value_type)}>"
    if pa.types.is_struct(kind):
        return "struct<" + ", ".join(f"{f.name}: {_type_name(f.type)}" for f in kind) + ">"
    return "float64" if pa.types.is_float64(kind) else str(kind)


def _feature(kind: pa.DataType) -> dict[str, Any]:
    inner = _dtype(kind)
    return inner if isinstance(inner, dict) else {"dtype": inner}


def feature_yaml(labels: Sequence[str]) -> list[dict[str, Any]]:
    """The ``dataset_info.features`` list, in the form ``datasets`` writes it: the Arrow schema
    of the rows, with ``label`` a class label over ``labels``."""
    out: list[dict[str, Any]] = []
    for f in sentence_schema():
        if f.name == "label":
            names = {str(i): name for i, name in enumerate(labels)}
            out.append({"name": f.name, "dtype": {"class_label": {"names": names}}})
        else:
            out.append({"name": f.name, **_feature(f.type)})
    return out


def card_header(facts: CardFacts) -> dict[str, Any]:
    """The card's YAML metadata as a dict."""
    header: dict[str, Any] = {
        "license": facts.license,
        "language": ["en"],
        "pretty_name": facts.pretty_name,
        "task_categories": ["text-classification"],
        "task_ids": ["multi-class-classification"],
        "size_categories": [size_category(facts.sentences)],
        "annotations_creators": ["machine-generated"],
        "language_creators": ["machine-generated"],
        "source_datasets": ["original"],
        "tags": ["synthetic", "medical", "clinical", "clinical-notes", facts.kb.disease],
        "configs": [
            {
                "config_name": "default",
                "data_files": [{"split": s.name, "path": s.path} for s in facts.splits],
            }
        ],
    }
    if facts.fmt != "csv":  # CSV cells are flat text: its columns are not these features
        header["dataset_info"] = {
            "features": feature_yaml(facts.kb.labels),
            "splits": [
                {"name": s.name, "num_bytes": s.num_bytes, "num_examples": s.sentences}
                for s in facts.splits
            ],
        }
    return header


# --------------------------------------------------------------------------------- the body


def _cell(value: Any) -> str:
    text = " ".join(str(value).split())
    return text.replace("|", "\\|") or "–"


def _table(head: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[str]:
    lines = ["| " + " | ".join(_cell(h) for h in head) + " |", "|" + "---|" * len(head)]
    lines.extend("| " + " | ".join(_cell(c) for c in row) + " |" for row in rows)
    return lines


def _share(count: int, total: int) -> str:
    return f"{count} ({count / total:.1%})" if total else str(count)


def _distribution(
    facts: CardFacts, what: str, order: Sequence[str], ids: bool = False
) -> list[str]:
    """Counts per value and split (with shares of the split) and in total."""
    per = [dict(getattr(s, what)) for s in facts.splits]
    seen = {k for counts in per for k in counts}
    keys = [k for k in order if k in seen or what == "labels"]
    keys += sorted(seen - set(keys))
    head = [*(["id"] if ids else []), what[:-1], *(s.name for s in facts.splits)]
    totals = [sum(counts.values()) for counts in per]
    if len(facts.splits) > 1:
        head.append("all")
    rows = []
    for number, key in enumerate(keys):
        cells = [_share(counts.get(key, 0), t) for counts, t in zip(per, totals, strict=True)]
        if len(facts.splits) > 1:
            cells.append(_share(sum(c.get(key, 0) for c in per), sum(totals)))
        rows.append([*([number] if ids else []), f"`{key}`", *cells])
    return _table(head, rows)


def _provenance(facts: CardFacts) -> list[str]:
    m = facts.run.manifest
    p = m.provenance
    rows: list[list[Any]] = [
        ["disease (knowledge base)", f"`{m.disease}` ({facts.kb.title})"],
        ["graph checksum (knowledge base graph)", f"`{p.graph_checksum}`"],
        ["model", f"`{p.model}`"],
        ["mode", f"`{facts.run.mode}`"],
        ["generation seed", p.seed],
        ["run status", m.status],
        ["run started / finished", f"{m.started_at} / {m.finished_at or '–'}"],
        ["patients requested", m.config.get("patients", "–")],
        ["prompt versions", ", ".join(f"{k} `{v}`" for k, v in sorted(p.prompt_versions.items()))],
        ["sentences.jsonl SHA-256", f"`{facts.run.sentences_sha256}`"],
        ["split", f"`{facts.split_spec or 'none: one train split'}` (seed {facts.split_seed})"],
        ["exported with", f"dualalign {facts.dualalign_version}"],
    ]
    if m.counts is not None:
        rows.insert(8, ["failed planned sentences or notes", m.counts.failures])
    curation = facts.run.extra.get("curation")
    if isinstance(curation, dict):
        kept, dropped = curation.get("kept", "?"), curation.get("dropped", "?")
        rows.append(["curation", f"kept {kept}, dropped {dropped} ({curation.get('classifier')})"])
    lines = _table(["fact", "value"], rows)
    lines += ["", "Package versions at generation time:", ""]
    lines += _table(["package", "version"], sorted(p.versions.items()))
    return lines


def _intro(facts: CardFacts) -> list[str]:
    patients = sum(s.patients for s in facts.splits)
    notes = sum(s.notes for s in facts.splits)
    return [
        f"# {facts.pretty_name}",
        "",
        f"{facts.sentences} labelled synthetic clinical sentences from {notes} notes about "
        f"{patients} synthetic patients with {facts.kb.title}, written by "
        f"[dualalign]({PAPER}): each patient is a sampled persona with a symptom trajectory "
        "walked over a knowledge graph of the disease; an LLM wrote the notes from that plan, "
        "the grounding checks kept only sentences that express the planned symptoms without "
        "contradicting the persona or carrying identifiers, and annotators labelled every "
        "sentence.",
        "",
        "**No real patient data is inside.** Every patient, note and sentence is synthetic: "
        "personas are sampled from population statistics, trajectories from the knowledge "
        "base, and the text from a language model. No health record was used to write it.",
    ]


def _structure(facts: CardFacts) -> list[str]:
    lines = ["## Splits", ""]
    if facts.split_spec:
        lines.append(
            f"Split by patient (`{facts.split_spec}`, seed {facts.split_seed}): no patient "
            "is in two splits, so a model is never tested on a patient it was trained on."
        )
    else:
        lines.append("One `train` split with every patient (export with `--split` for more).")
    lines.append("")
    rows = [[s.name, f"`{s.path}`", s.patients, s.notes, s.sentences] for s in facts.splits]
    lines += _table(["split", "files", "patients", "notes", "sentences"], rows)
    lines += ["", "## Fields", ""]
    lines.append(
        "One row per sentence, with the fields of `SentenceRow` in dualalign's "
        "`dualalign/records.py`. `label` is the sentence's label"
        + (" (a `ClassLabel`; ids below)" if facts.fmt == "hf" else "")
        + "; `labels` holds each annotator's label (`llm`, `rule`; null where one did not "
        "run); `planned_label` is the label the plan intended."
    )
    if facts.fmt == "csv":
        lines.append(
            "In the CSV files nested fields are flat: `labels.llm`, `labels.rule`; lists "
            "(`planned_symptoms`, `expressed_symptoms`) are JSON arrays; an empty cell is null."
        )
    lines.append("")
    fields = [
        [
            f"`{f.name}`",
            "class label" if f.name == "label" and facts.fmt == "hf" else f"`{_type_name(f.type)}`",
            "yes" if f.nullable else "no",
        ]
        for f in sentence_schema()
    ]
    lines += _table(["field", "type", "nullable"], fields)
    return lines


_USE = [
    "## Intended use",
    "",
    "- Training and evaluating clinical text classifiers where annotated real notes are "
    "scarce: as added training data next to real gold data, or to pre-train before it.",
    "- Testing NLP pipelines, de-identification and annotation tools without access to "
    "protected health information.",
    "- Research on synthetic clinical text (fidelity, diversity, label agreement).",
    "",
    "## Limitations",
    "",
    "- The text is written by a language model and only as good as it is; check the `model` "
    "above. Small models copy the prompt's shape and their details wander; the grounding "
    "checks test that planned symptoms are expressed, not that every statement is true.",
    "- Labels are machine-made (see `annotator` and `labels`), not clinician-reviewed; expect "
    "label noise, and measure against real gold data before relying on a model trained here.",
    "- Patients, stages and symptom frequencies follow the knowledge base's literature-derived "
    "parameters and the sampled population, not any real cohort; rare presentations and "
    "comorbidities are under-represented.",
    "- Not for clinical decisions, diagnosis or any use about real individuals.",
]


def _loading(facts: CardFacts) -> list[str]:
    if facts.fmt == "hf":
        code = [
            "from datasets import load_from_disk",
            "",
            'ds = load_from_disk("PATH/TO/THIS/FOLDER")',
            f'print(ds["{facts.splits[0].name}"].features["label"].names)',
        ]
    else:  # the card's `configs` name the data files of each split
        code = [
            "from datasets import load_dataset",
            "",
            'ds = load_dataset("PATH/TO/THIS/FOLDER")',
        ]
    return ["## Loading", "", "```python", *code, "```"]


def render_card(facts: CardFacts) -> str:
    """The whole card: YAML header and Markdown body."""
    lines = ["---", *_yaml(card_header(facts)), "---", ""]
    lines += _intro(facts)
    lines += ["", *_structure(facts)]
    lines += ["", "## Labels", ""]
    lines.append(
        f"The label set of the `{facts.kb.disease}` knowledge base, in its order"
        + (" (the `ClassLabel` ids)" if facts.fmt == "hf" else "")
        + ":"
    )
    lines += ["", *_distribution(facts, "labels", facts.kb.labels, ids=True)]
    lines += ["", "## Disease stages", "", "The stage of the visit each sentence's note is about:"]
    lines += ["", *_distribution(facts, "stages", facts.kb.stages)]
    lines += ["", "## Generation provenance", "", "From the run's `manifest.json`:", ""]
    lines += _provenance(facts)
    lines += ["", *_USE, "", *_loading(facts)]
    lines += ["", "## Citation", "", f"dualalign: {PAPER}", ""]
    return "\n".join(lines)
