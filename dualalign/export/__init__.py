"""Export a run folder as a dataset: Hugging Face ``datasets`` (``save_to_disk``), Parquet, CSV
or JSONL, split by patient, with a dataset card.

Modules, from the bottom up: :mod:`~dualalign.export.splits` (parse a split spec, assign
patients), :mod:`~dualalign.export.schema` (Arrow schema from the typed rows),
:mod:`~dualalign.export.run` (read a run and its knowledge base's label set),
:mod:`~dualalign.export.writers` (one writer per format), :mod:`~dualalign.export.card`
(the dataset card) and :mod:`~dualalign.export.exporter` (``export_run``).
"""

from dualalign.export.exporter import DEFAULT_LICENSE, ExportRequest, ExportResult, export_run
from dualalign.export.splits import SplitSpec, assign_patients, parse_split
from dualalign.export.writers import ExportFormat

__all__ = [
    "DEFAULT_LICENSE",
    "ExportFormat",
    "ExportRequest",
    "ExportResult",
    "SplitSpec",
    "assign_patients",
    "export_run",
    "parse_split",
]
