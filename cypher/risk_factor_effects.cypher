// Purpose: Personas carrying a risk factor, and how the factor shifts domain shares, symptom mention probabilities and stage transitions (single-modifier effect: p' = p*m / (1 - p + p*m)).
// :param risk_factor => "depression" (required)
MATCH (rf:RiskFactor {id: $risk_factor})
OPTIONAL MATCH (p:Persona)
WITH rf, count(p) AS personas
OPTIONAL MATCH (q:Persona)-[:HAS_RISK_FACTOR]->(rf)
WITH rf, personas, count(q) AS carriers
MATCH (rf)-[m:MODIFIES]->(target)
CALL (m, target) {
  WITH m, target WHERE m.target_kind = "domain"
  MATCH (s:Stage)-[d:DOMAIN_SHARE]->(target)
  WHERE m.stage = "*" OR m.stage = s.id
  RETURN s.id AS stage, s.order AS stage_order, d.probability AS baseline
  UNION
  WITH m, target WHERE m.target_kind = "symptom"
  MATCH (s:Stage)-[e:EMITS]->(target)
  WHERE m.stage = "*" OR m.stage = s.id
  RETURN s.id AS stage, s.order AS stage_order, e.probability AS baseline
  UNION
  WITH m, target WHERE m.target_kind = "stage_transition"
  MATCH (a:Stage {id: m.from_stage})-[t:PROGRESSES_TO]->(target)
  RETURN a.id AS stage, a.order AS stage_order, t.probability AS baseline
}
RETURN rf.id AS risk_factor, carriers, personas, m.target_kind AS target_kind, target.id AS target,
       stage, m.multiplier AS multiplier, baseline,
       baseline * m.multiplier / (1.0 - baseline + baseline * m.multiplier) AS conditioned
ORDER BY target_kind, target, stage_order
