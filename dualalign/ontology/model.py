"""Typed, validated objects for one disease knowledge base.

These are the boundary types: the loader builds them from RDF and CSV files, and every later
layer (graph, persona, walk, generation) reads only these.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)
from pydantic_core import PydanticCustomError

from dualalign.ontology import ranges as r

__all__ = [
    "Condition",
    "Disease",
    "DiseaseModel",
    "DomainPrevalence",
    "Label",
    "LexiconDomain",
    "MentionDensity",
    "NoteType",
    "NoteTypeRate",
    "Parameter",
    "PeriodStage",
    "PersonaMarginal",
    "PhenotypeDomain",
    "Population",
    "Reporter",
    "ReporterRate",
    "RiskFactor",
    "RiskFactorGroup",
    "RiskFactorPrevalence",
    "RiskModifier",
    "ScreeningInstrument",
    "Source",
    "Stage",
    "StageTransition",
    "Symptom",
    "SymptomOnset",
    "SymptomPrevalence",
    "SymptomTransition",
]

Identifier = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]
Category = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_]*$")]
PopulationId = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]*$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
# Numbers: every one has a plausible range (dualalign.ontology.ranges; NaN/inf never pass).
Probability = Annotated[float, r.PROBABILITY]
Period = Annotated[int, r.PERIOD]
Order = Annotated[int, r.ORDER]
Months = Annotated[float, r.DURATION_MONTHS]
Mmse = Annotated[float, r.MMSE]
Curie = Annotated[str, StringConstraints(pattern=r"^[A-Za-z][A-Za-z0-9_.]*:\S+$")]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


# ---------------------------------------------------------------- RDF entities


class Disease(_Frozen):
    """The disease a folder describes."""

    id: Identifier
    label: Text
    format_version: Literal["1"]
    definition: str = ""
    xrefs: tuple[Curie, ...] = ()
    #: the population commands use when none is given (da:defaultPopulation)
    default_population: PopulationId | None = None


class LexiconDomain(_Frozen):
    """A symptom-lexicon domain used to plan mentions (the paper's six)."""

    id: Identifier
    label: Text
    definition: Text
    order: Order


class PhenotypeDomain(_Frozen):
    """A phenotyping domain (memory, executive function, ...)."""

    id: Identifier
    label: Text
    order: Order
    definition: str = ""


class Label(_Frozen):
    """A sentence-classification label, with its written definition."""

    id: Identifier
    label: Text
    definition: Text
    order: Order
    examples: tuple[str, ...] = ()
    #: Breaks ties when a sentence matches terms of several labels: the higher wins.
    priority: Annotated[int, r.PRIORITY] = 0


class Stage(_Frozen):
    """An ordered disease stage with typical duration."""

    id: Identifier
    label: Text
    definition: Text
    order: Order
    mean_duration_months: Months
    source: Text
    min_duration_months: Months | None = None
    max_duration_months: Months | None = None
    cdr: str | None = None
    mmse_min: Mmse | None = None
    mmse_max: Mmse | None = None
    terminal: bool = False


class NoteType(_Frozen):
    """A kind of clinical note (primary care, neurology, ...)."""

    id: Identifier
    label: Text
    definition: Text
    abbreviation: str | None = None


class Reporter(_Frozen):
    """Who a symptom mention comes from (patient, family, clinician ...).

    ``label`` is the label a mention reported this way takes, unless the term's own label has
    a higher priority; ``prompt_phrases`` are how a prompt names the reporter.
    """

    id: Identifier
    label: Text
    definition: Text
    order: Order
    label_for: Identifier | None = None
    prompt_phrases: tuple[str, ...] = ()


class Population(_Frozen):
    """A target population personas are aligned to."""

    id: PopulationId
    label: Text
    definition: Text
    source: Text


class RiskFactorGroup(_Frozen):
    """One of the risk-factor / social-determinant groups."""

    id: Identifier
    label: Text
    definition: Text


class RiskFactor(_Frozen):
    """A risk factor or social determinant a persona may carry."""

    id: Identifier
    label: Text
    definition: Text
    group: Identifier
    xrefs: tuple[Curie, ...] = ()
    synonyms: tuple[str, ...] = ()
    prompt_phrase: str | None = None


class Symptom(_Frozen):
    """A lexicon term: a symptom with its phrasings, domains and default label."""

    id: Identifier
    label: Text
    definition: Text
    lexicon_domain: Identifier
    phenotype_domains: tuple[Identifier, ...] = Field(min_length=1)
    default_label: Identifier
    onset_stage: Identifier
    source: Text
    synonyms: tuple[str, ...] = ()
    lay_phrases: tuple[str, ...] = ()
    abbreviations: tuple[str, ...] = ()
    xrefs: tuple[Curie, ...] = ()


# ---------------------------------------------------------------- CSV rows


class Source(_Frozen):
    """A citation (or a visibly marked assumption) that numbers point to."""

    key: Text
    kind: Literal["published", "assumption"]
    citation: Text
    locator: str = ""
    confidence: Literal["V", "S", "U", "A"]


class Parameter(_Frozen):
    """A named scalar model parameter; only the names of ``ranges.PARAMETERS`` are known."""

    name: Identifier
    value: Annotated[float, Field(allow_inf_nan=False)]
    source: Text

    @field_validator("name")
    @classmethod
    def _known_name(cls, name: str) -> str:
        if name not in r.PARAMETERS:
            raise PydanticCustomError(
                "unknown_parameter",
                "unknown parameter '{name}'",
                {"name": name, "fix": f"use one of: {', '.join(r.PARAMETERS)}"},
            )
        return name

    @field_validator("value")
    @classmethod
    def _in_range(cls, value: float, info: ValidationInfo) -> float:
        spec = r.PARAMETERS.get(info.data.get("name", ""))
        if spec is not None and not spec.range.contains(value):
            raise PydanticCustomError(
                "out_of_range",
                "{name} must be {expected}",
                {
                    "name": info.data["name"],
                    "expected": str(spec.range),
                    "fix": spec.range.fix,
                },
            )
        return value


class StageTransition(_Frozen):
    """Annual probability of moving from one stage to another (or staying)."""

    from_stage: Identifier
    to_stage: Identifier
    probability: Probability
    source: Text


class PeriodStage(_Frozen):
    """P(stage | year relative to diagnosis)."""

    period: Period
    stage: Identifier
    probability: Probability
    source: Text


class NoteTypeRate(_Frozen):
    """Mean visits per year of one note type in one year."""

    period: Period
    note_type: Identifier
    visits_per_year: Annotated[float, r.VISITS_PER_YEAR]
    source: Text


class MentionDensity(_Frozen):
    """Mean symptom mentions per note in one year."""

    period: Period
    mean_mentions: Annotated[float, r.MENTIONS_PER_NOTE]
    source: Text


class DomainPrevalence(_Frozen):
    """Share of symptom mentions that fall in a lexicon domain, per stage."""

    stage: Identifier
    domain: Identifier
    proportion: Probability
    source: Text


class PersonaMarginal(_Frozen):
    """P(category) of one demographic attribute in one population."""

    population: PopulationId
    attribute: Literal["age_band", "sex", "race_ethnicity", "education"]
    category: Category
    probability: Probability
    source: Text


class Condition(_Frozen):
    """``attribute=category``: the persona subgroup a prevalence applies to."""

    attribute: Identifier
    category: Category


class RiskFactorPrevalence(_Frozen):
    """Prevalence of a risk factor in a population, optionally within a subgroup."""

    population: PopulationId
    risk_factor: Identifier
    condition: Condition | None
    prevalence: Probability
    source: Text


class SymptomPrevalence(_Frozen):
    """Prevalence of a symptom among patients in a stage."""

    stage: Identifier
    symptom: Identifier
    prevalence: Probability
    source: Text


class SymptomOnset(_Frozen):
    """When a symptom typically starts, relative to diagnosis, and in how many patients."""

    symptom: Identifier
    onset_months: Annotated[float, r.ONSET_MONTHS]
    proportion: Probability
    source: Text


class SymptomTransition(_Frozen):
    """A curated 'evolves to' edge between two symptoms (``stage`` None means any stage)."""

    from_symptom: Identifier
    to_symptom: Identifier
    stage: Identifier | None
    weight: Annotated[float, r.WEIGHT]
    source: Text


class ReporterRate(_Frozen):
    """P(reporter | stage, note type) of a symptom mention (``note_type`` None: any type)."""

    stage: Identifier
    note_type: Identifier | None
    reporter: Identifier
    probability: Probability
    source: Text


class ScreeningInstrument(_Frozen):
    """A cognitive screening test: how notes name it and from which score it is normal."""

    instrument: Identifier
    aliases: Text  # names as written in notes, separated by |
    max_score: Annotated[int, r.MAX_SCORE]
    normal_from: Annotated[float, r.SCORE]
    source: Text

    @property
    def names(self) -> tuple[str, ...]:
        """The aliases as a tuple."""
        return tuple(a.strip() for a in self.aliases.split("|") if a.strip())


class RiskModifier(_Frozen):
    """A risk factor multiplying the weight of a domain, symptom or stage transition."""

    risk_factor: Identifier
    target_kind: Literal["domain", "symptom", "stage_transition"]
    target: Text
    stage: Identifier | None
    multiplier: Annotated[float, r.MULTIPLIER]
    source: Text


# ---------------------------------------------------------------- the whole folder


class DiseaseModel(_Frozen):
    """Everything one disease folder holds, validated and cross-checked."""

    folder: str
    checksum: str
    disease: Disease
    lexicon_domains: tuple[LexiconDomain, ...]
    phenotype_domains: tuple[PhenotypeDomain, ...]
    labels: tuple[Label, ...]
    stages: tuple[Stage, ...]
    note_types: tuple[NoteType, ...]
    populations: tuple[Population, ...]
    risk_factor_groups: tuple[RiskFactorGroup, ...]
    risk_factors: tuple[RiskFactor, ...]
    symptoms: tuple[Symptom, ...]
    sources: tuple[Source, ...]
    parameters: tuple[Parameter, ...]
    stage_transitions: tuple[StageTransition, ...]
    period_stage: tuple[PeriodStage, ...]
    note_type_rates: tuple[NoteTypeRate, ...]
    mention_density: tuple[MentionDensity, ...]
    domain_prevalence: tuple[DomainPrevalence, ...]
    persona_marginals: tuple[PersonaMarginal, ...]
    risk_factor_prevalence: tuple[RiskFactorPrevalence, ...]
    symptom_prevalence: tuple[SymptomPrevalence, ...] = ()
    symptom_onset: tuple[SymptomOnset, ...] = ()
    symptom_transitions: tuple[SymptomTransition, ...] = ()
    risk_modifiers: tuple[RiskModifier, ...] = ()
    reporters: tuple[Reporter, ...] = ()
    reporter_rates: tuple[ReporterRate, ...] = ()
    screening_instruments: tuple[ScreeningInstrument, ...] = ()

    @property
    def name(self) -> str:
        """The disease identifier."""
        return self.disease.id

    @property
    def periods(self) -> tuple[int, ...]:
        """The years relative to diagnosis the priors cover, ascending."""
        return tuple(sorted({row.period for row in self.period_stage}))

    def parameter(self, name: str, default: float | None = None) -> float:
        """Return a named parameter, or ``default`` when the folder does not set it."""
        for p in self.parameters:
            if p.name == name:
                return p.value
        if default is None:
            raise KeyError(name)
        return default
