// Purpose: Most likely next mention after a symptom, visit to visit: it persists, evolves along a curated edge, or is re-drawn from the stage's mention mix. P(b | a, stage) = TRANSITIONS_TO + RESAMPLES * EMITS.
// :param symptom => "short_term_memory_loss" (required)
// :param stage => null
// :param limit => 10 (range 1..1000)
MATCH (a:Symptom {id: $symptom})-[r:RESAMPLES]->(s:Stage)
WHERE $stage IS NULL OR s.id = $stage
CALL (a, s) {
  MATCH (a)-[t:TRANSITIONS_TO {stage: s.id}]->(b:Symptom)
  RETURN b
  UNION
  MATCH (s)-[:EMITS]->(b:Symptom)
  RETURN b
}
OPTIONAL MATCH (a)-[t:TRANSITIONS_TO {stage: s.id}]->(b)
OPTIONAL MATCH (s)-[e:EMITS]->(b)
WITH s, b, t, coalesce(t.probability, 0.0) + r.probability * coalesce(e.probability, 0.0) AS probability
RETURN s.id AS stage, b.id AS to_symptom, b.label AS label, coalesce(t.kind, "redrawn") AS via, probability
ORDER BY probability DESC, stage, to_symptom
LIMIT $limit
