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
    Node.DISEASE: "the disease the graph describes (format version, checksum of its folder)",
    Node.STAGE: "ordered disease stage with durations; terminal stages absorb",
    Node.PERIOD: "a year relative to diagnosis (offset -10 .. +2) with mean mentions per note",
    Node.NOTE_TYPE: "a kind of clinical note",
    Node.LEXICON_DOMAIN: "a planning domain of the symptom lexicon",
    Node.PHENOTYPE_DOMAIN: "a phenotyping domain",
    Node.LABEL: "a sentence-classification label with its definition",
    Node.SYMPTOM: "a lexicon term with synonyms, lay phrasings and abbreviations",
    Node.POPULATION: "a target population personas are aligned to",
    Node.DEMOGRAPHIC: "one category of a persona attribute (id attribute=category)",
    Node.RISK_FACTOR_GROUP: "one of the five risk-factor / social-determinant groups",
    Node.RISK_FACTOR: "a risk factor or social determinant",
    Node.SOURCE: "a citation or a marked assumption that numbers point to",
    Node.PERSONA: "a sampled synthetic patient",
    Node.INSTRUMENT: "a cognitive screening test with the score from which a result is normal",
    Node.REPORTER: "who a symptom mention comes from (patient, family or caregiver, clinician)",
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
    Rel.PROGRESSES_TO: RelSpec(Node.STAGE, Node.STAGE, "annual stage transition", "probability"),
    Rel.NEXT: RelSpec(Node.PERIOD, Node.PERIOD, "the following year"),
    Rel.IN_STAGE: RelSpec(Node.PERIOD, Node.STAGE, "P(stage | year)", "probability"),
    Rel.HAS_NOTE_TYPE: RelSpec(
        Node.PERIOD,
        Node.NOTE_TYPE,
        "visits per year and share of notes",
        "probability",
        ("visits_per_year",),
    ),
    Rel.DOMAIN_SHARE: RelSpec(
        Node.STAGE, Node.LEXICON_DOMAIN, "share of mentions by domain", "probability"
    ),
    Rel.EMITS: RelSpec(
        Node.STAGE, Node.SYMPTOM, "P(symptom) for a freshly drawn mention", "probability"
    ),
    Rel.PREVALENCE: RelSpec(
        Node.STAGE, Node.SYMPTOM, "published prevalence among patients in a stage", "prevalence"
    ),
    Rel.TRANSITIONS_TO: RelSpec(
        Node.SYMPTOM,
        Node.SYMPTOM,
        "per stage: symptom persists (self) or evolves into another",
        "probability",
        ("stage",),
    ),
    Rel.RESAMPLES: RelSpec(
        Node.SYMPTOM,
        Node.STAGE,
        "per stage: mention is re-drawn from the stage's EMITS distribution",
        "probability",
    ),
    Rel.IN_DOMAIN: RelSpec(Node.SYMPTOM, Node.LEXICON_DOMAIN, "lexicon domain of a term"),
    Rel.IN_PHENOTYPE: RelSpec(Node.SYMPTOM, Node.PHENOTYPE_DOMAIN, "phenotype domain of a term"),
    Rel.DEFAULT_LABEL: RelSpec(Node.SYMPTOM, Node.LABEL, "label a plain mention of the term takes"),
    Rel.ONSET_IN: RelSpec(
        Node.SYMPTOM, Node.STAGE, "earliest stage the term is usually documented"
    ),
    Rel.IN_GROUP: RelSpec(Node.RISK_FACTOR, Node.RISK_FACTOR_GROUP, "group of a risk factor"),
    Rel.PREVALENT_IN: RelSpec(
        Node.RISK_FACTOR,
        Node.POPULATION,
        "prevalence, optionally within attribute=category",
        "prevalence",
        ("condition",),
    ),
    Rel.HAS_CATEGORY: RelSpec(
        Node.POPULATION, Node.DEMOGRAPHIC, "P(category) of an attribute", "probability"
    ),
    Rel.MODIFIES: RelSpec(
        Node.RISK_FACTOR,
        "*",
        "multiplier on a domain share, symptom weight or stage transition",
        extra=("multiplier", "stage", "target_kind"),
    ),
    Rel.CITES: RelSpec("*", Node.SOURCE, "the source behind a node's numbers"),
    Rel.REPORTED_BY: RelSpec(
        Node.STAGE,
        Node.REPORTER,
        "P(reporter | stage, note_type) of a symptom mention",
        "probability",
        ("note_type",),
    ),
    Rel.REPORT_LABEL: RelSpec(Node.REPORTER, Node.LABEL, "label a mention reported this way takes"),
    Rel.IN_POPULATION: RelSpec(
        Node.PERSONA, Node.POPULATION, "population a persona was sampled for"
    ),
    Rel.HAS_RISK_FACTOR: RelSpec(Node.PERSONA, Node.RISK_FACTOR, "a persona's risk factors"),
}
