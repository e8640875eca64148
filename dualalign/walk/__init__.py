"""Symptom-trajectory alignment: weighted random walks over a compact graph snapshot."""

from dualalign.walk.alias import RowSampler
from dualalign.walk.engine import WalkSettings, simulate
from dualalign.walk.snapshot import TrajectorySnapshot
from dualalign.walk.summary import summarise
from dualalign.walk.walker import random_walks

__all__ = [
    "RowSampler",
    "TrajectorySnapshot",
    "WalkSettings",
    "random_walks",
    "simulate",
    "summarise",
]
