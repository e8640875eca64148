"""The graph model: node labels, relationship types and their properties, in one place.

``cypher/schema.cypher`` documents the same model for Neo4j users; a test keeps both in step.
"""

from __future__ import annotations

from enum import StrEnum

__all__ = [
    "GRAPH_FORMAT",
    "GRAPH_VERSION",
    "NODE_LABELS",
    "NODE_PROPS",
    "REL_TYPES",
    "SUPPORTED_VERSIONS",
    "Node",
    "Rel",
    "RelSpec",
]

#: What the ``format`` field of a graph file says.
GRAPH_FORMAT = "dualalign-graph"
#: The graph file format version this dualalign writes.
GRAPH_VERSION = 1
#: Graph file format versions this dualalign reads.
SUPPORTED_VERSIONS: tuple[int, ...] = (GRAPH_VERSION,)


class Node(StrEnum):
    """Node labels. Use these, not string literals, wherever a label is named in code."""

    DISEASE = "Disease"
    STAGE = "Stage"
    PERIOD = "Period"
    NOTE_TYPE = "NoteType"
    LEXICON_DOMAIN = "LexiconDomain"
    PHENOTYPE_DOMAIN = "PhenotypeDomain"
    LABEL = "Label"
    SYMPTOM = "Symptom"
    POPULATION = "Population"
    DEMOGRAPHIC = "Demographic"
    RISK_FACTOR_GROUP = "RiskFactorGroup"
    RISK_FACTOR = "RiskFactor"
    SOURCE = "Source"
    PERSONA = "Persona"
    INSTRUMENT = "Instrument"
    REPORTER = "Reporter"


class Rel(StrEnum):
    """Relationship types. Use these, not string literals, wherever a type is named in code."""

    PROGRESSES_TO = "PROGRESSES_TO"
    NEXT = "NEXT"
    IN_STAGE = "IN_STAGE"
    HAS_NOTE_TYPE = "HAS_NOTE_TYPE"
    DOMAIN_SHARE = "DOMAIN_SHARE"
    EMITS = "EMITS"
    PREVALENCE = "PREVALENCE"
    TRANSITIONS_TO = "TRANSITIONS_TO"
    RESAMPLES = "RESAMPLES"
    IN_DOMAIN = "IN_DOMAIN"
    IN_PHENOTYPE = "IN_PHENOTYPE"
    DEFAULT_LABEL = "DEFAULT_LABEL"
    ONSET_IN = "ONSET_IN"
    IN_GROUP = "IN_GROUP"
    PREVALENT_IN = "PREVALENT_IN"
    HAS_CATEGORY = "HAS_CATEGORY"
    MODIFIES = "MODIFIES"
    CITES = "CITES"
    REPORTED_BY = "REPORTED_BY"
    REPORT_LABEL = "REPORT_LABEL"
    IN_POPULATION = "IN_POPULATION"
    HAS_RISK_FACTOR = "HAS_RISK_FACTOR"


#: Node label -> what it is. Every node has ``id`` (unique per label) and ``disease``.
NODE_LABELS: dict[str, str] = {
    "Disease": "the disease the graph describes (format version, checksum of its folder)",
    "Stage": "ordered disease stage with durations; terminal stages absorb",
    "Period": "a year relative to diagnosis (offset -10 .. +2) with mean mentions per note",
    "NoteType": "a kind of clinical note",
    "LexiconDomain": "a planning domain of the symptom lexicon",
    "PhenotypeDomain": "a phenotyping domain",
    "Label": "a sentence-classification label with its definition",
    "Symptom": "a lexicon term with synonyms, lay phrasings and abbreviations",
    "Population": "a target population personas are aligned to",
    "Demographic": "one category of a persona attribute (id attribute=category)",
    "RiskFactorGroup": "one of the five risk-factor / social-determinant groups",
    "RiskFactor": "a risk factor or social determinant",
    "Source": "a citation or a marked assumption that numbers point to",
    "Persona": "a sampled synthetic patient",
    "Instrument": "a cognitive screening test with the score from which a result is normal",
    "Reporter": "who a symptom mention comes from (patient, family or caregiver, clinician)",
}


#: Properties every node of a label must carry: those the walk, the persona sampler and the
#: named queries read. Other labels need only their ``id``.
NODE_PROPS: dict[str, tuple[str, ...]] = {
    Node.STAGE: ("order",),
    Node.PERIOD: ("offset", "mean_mentions"),
    Node.REPORTER: ("order",),
    Node.DEMOGRAPHIC: ("attribute", "category"),
}


class RelSpec:
    """A relationship type: endpoint labels (``*``: any), what it means, its probability
    property, and any other properties every relationship of the type must carry."""

    __slots__ = ("dst", "extra", "meaning", "probability", "src")

    def __init__(
        self,
        src: str,
        dst: str,
        meaning: str,
        probability: str | None = None,
        extra: tuple[str, ...] = (),
    ) -> None:
        self.src, self.dst, self.meaning, self.probability = src, dst, meaning, probability
        self.extra = extra

    @property
    def required(self) -> tuple[str, ...]:
        """Properties every relationship of this type must carry."""
        return ((self.probability,) if self.probability else ()) + self.extra


REL_TYPES: dict[str, RelSpec] = {
    "PROGRESSES_TO": RelSpec("Stage", "Stage", "annual stage transition", "probability"),
    "NEXT": RelSpec("Period", "Period", "the following year"),
    "IN_STAGE": RelSpec("Period", "Stage", "P(stage | year)", "probability"),
    "HAS_NOTE_TYPE": RelSpec(
        "Period",
        "NoteType",
        "visits per year and share of notes",
        "probability",
        ("visits_per_year",),
    ),
    "DOMAIN_SHARE": RelSpec("Stage", "LexiconDomain", "share of mentions by domain", "probability"),
    "EMITS": RelSpec("Stage", "Symptom", "P(symptom) for a freshly drawn mention", "probability"),
    "PREVALENCE": RelSpec(
        "Stage", "Symptom", "published prevalence among patients in a stage", "prevalence"
    ),
    "TRANSITIONS_TO": RelSpec(
        "Symptom",
        "Symptom",
        "per stage: symptom persists (self) or evolves into another",
        "probability",
        ("stage",),
    ),
    "RESAMPLES": RelSpec(
        "Symptom",
        "Stage",
        "per stage: mention is re-drawn from the stage's EMITS distribution",
        "probability",
    ),
    "IN_DOMAIN": RelSpec("Symptom", "LexiconDomain", "lexicon domain of a term"),
    "IN_PHENOTYPE": RelSpec("Symptom", "PhenotypeDomain", "phenotype domain of a term"),
    "DEFAULT_LABEL": RelSpec("Symptom", "Label", "label a plain mention of the term takes"),
    "ONSET_IN": RelSpec("Symptom", "Stage", "earliest stage the term is usually documented"),
    "IN_GROUP": RelSpec("RiskFactor", "RiskFactorGroup", "group of a risk factor"),
    "PREVALENT_IN": RelSpec(
        "RiskFactor",
        "Population",
        "prevalence, optionally within attribute=category",
        "prevalence",
        ("condition",),
    ),
    "HAS_CATEGORY": RelSpec(
        "Population", "Demographic", "P(category) of an attribute", "probability"
    ),
    "MODIFIES": RelSpec(
        "RiskFactor",
        "*",
        "multiplier on a domain share, symptom weight or stage transition",
        extra=("multiplier", "stage", "target_kind"),
    ),
    "CITES": RelSpec("*", "Source", "the source behind a node's numbers"),
    "REPORTED_BY": RelSpec(
        "Stage",
        "Reporter",
        "P(reporter | stage, note_type) of a symptom mention",
        "probability",
        ("note_type",),
    ),
    "REPORT_LABEL": RelSpec("Reporter", "Label", "label a mention reported this way takes"),
    "IN_POPULATION": RelSpec("Persona", "Population", "population a persona was sampled for"),
    "HAS_RISK_FACTOR": RelSpec("Persona", "RiskFactor", "a persona's risk factors"),
}
