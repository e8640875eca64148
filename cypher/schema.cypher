// dualalign graph model (Neo4j 5). Run this file once to create the id constraints;
// `dualalign graph load --store neo4j` runs the same statements itself.
//
// Every node has `id` (unique per label) and `disease`. Probabilities are in [0, 1];
// every number carries `source`, a key of a Source node (published citation or marked
// assumption). Counts of observed cases are not part of the knowledge-base priors.
//
// Nodes
//   (:Disease) the disease the graph describes (format version, checksum of its folder)
//   (:Stage) ordered disease stage with durations; terminal stages absorb
//   (:Period) a year relative to diagnosis (offset -10 .. +2) with mean mentions per note
//   (:NoteType) a kind of clinical note
//   (:LexiconDomain) a planning domain of the symptom lexicon
//   (:PhenotypeDomain) a phenotyping domain
//   (:Label) a sentence-classification label with its definition
//   (:Symptom) a lexicon term with synonyms, lay phrasings and abbreviations
//   (:Population) a target population personas are aligned to
//   (:Demographic) one category of a persona attribute (id attribute=category)
//   (:RiskFactorGroup) one of the five risk-factor / social-determinant groups
//   (:RiskFactor) a risk factor or social determinant
//   (:Source) a citation or a marked assumption that numbers point to
//   (:Persona) a sampled synthetic patient
//   (:Instrument) a cognitive screening test with the score from which a result is normal
//   (:Reporter) who a symptom mention comes from (patient, family or caregiver, clinician)
//
// Relationships (probability-bearing ones name their property)
//   (:Stage)-[:PROGRESSES_TO {probability}]->(:Stage)  annual stage transition
//   (:Period)-[:NEXT]->(:Period)  the following year
//   (:Period)-[:IN_STAGE {probability}]->(:Stage)  P(stage | year)
//   (:Period)-[:HAS_NOTE_TYPE {probability}]->(:NoteType)  visits per year and share of notes
//   (:Stage)-[:DOMAIN_SHARE {probability}]->(:LexiconDomain)  share of mentions by domain
//   (:Stage)-[:EMITS {probability}]->(:Symptom)  P(symptom) for a freshly drawn mention
//   (:Stage)-[:PREVALENCE {prevalence}]->(:Symptom)  published prevalence among patients in a stage
//   (:Symptom)-[:TRANSITIONS_TO {probability}]->(:Symptom)  per stage: symptom persists (self) or evolves into another
//   (:Symptom)-[:RESAMPLES {probability}]->(:Stage)  per stage: mention is re-drawn from the stage's EMITS distribution
//   (:Symptom)-[:IN_DOMAIN]->(:LexiconDomain)  lexicon domain of a term
//   (:Symptom)-[:IN_PHENOTYPE]->(:PhenotypeDomain)  phenotype domain of a term
//   (:Symptom)-[:DEFAULT_LABEL]->(:Label)  label a plain mention of the term takes
//   (:Symptom)-[:ONSET_IN]->(:Stage)  earliest stage the term is usually documented
//   (:RiskFactor)-[:IN_GROUP]->(:RiskFactorGroup)  group of a risk factor
//   (:RiskFactor)-[:PREVALENT_IN {prevalence}]->(:Population)  prevalence, optionally within attribute=category
//   (:Population)-[:HAS_CATEGORY {probability}]->(:Demographic)  P(category) of an attribute
//   (:RiskFactor)-[:MODIFIES]->(:*)  multiplier on a domain share, symptom weight or stage transition
//   (:*)-[:CITES]->(:Source)  the source behind a node's numbers
//   (:Stage)-[:REPORTED_BY {probability}]->(:Reporter)  P(reporter | stage, note_type) of a symptom mention
//   (:Reporter)-[:REPORT_LABEL]->(:Label)  label a mention reported this way takes
//   (:Persona)-[:IN_POPULATION]->(:Population)  population a persona was sampled for
//   (:Persona)-[:HAS_RISK_FACTOR]->(:RiskFactor)  a persona's risk factors
//
// Full mention kernel: P(b | a, stage) = TRANSITIONS_TO(a->b, stage)
//                                       + RESAMPLES(a->stage) * EMITS(stage->b)

CREATE CONSTRAINT disease_id IF NOT EXISTS FOR (n:Disease) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT stage_id IF NOT EXISTS FOR (n:Stage) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT period_id IF NOT EXISTS FOR (n:Period) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT notetype_id IF NOT EXISTS FOR (n:NoteType) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT lexicondomain_id IF NOT EXISTS FOR (n:LexiconDomain) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT phenotypedomain_id IF NOT EXISTS FOR (n:PhenotypeDomain) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT label_id IF NOT EXISTS FOR (n:Label) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT symptom_id IF NOT EXISTS FOR (n:Symptom) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT population_id IF NOT EXISTS FOR (n:Population) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT demographic_id IF NOT EXISTS FOR (n:Demographic) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT riskfactorgroup_id IF NOT EXISTS FOR (n:RiskFactorGroup) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT riskfactor_id IF NOT EXISTS FOR (n:RiskFactor) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT instrument_id IF NOT EXISTS FOR (n:Instrument) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT reporter_id IF NOT EXISTS FOR (n:Reporter) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT source_id IF NOT EXISTS FOR (n:Source) REQUIRE n.id IS UNIQUE;
CREATE CONSTRAINT persona_id IF NOT EXISTS FOR (n:Persona) REQUIRE n.id IS UNIQUE;
