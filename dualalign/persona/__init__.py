"""Persona alignment: synthetic patients sampled from the graph's population distributions."""

from dualalign.persona.distributions import PersonaDistributions, age_range
from dualalign.persona.sampler import persona_graph_items, sample_personas

__all__ = ["PersonaDistributions", "age_range", "persona_graph_items", "sample_personas"]
