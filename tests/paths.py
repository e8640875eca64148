"""Paths to the repository's bundled data, for tests."""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ALZ = ROOT / "ontologies" / "alzheimers"
TEMPLATE = ROOT / "ontologies" / "_template"
PD = ROOT / "ontologies" / "parkinsons"
