// Purpose: How likely a symptom is to be mentioned in each stage, next to its published prevalence where the knowledge base has one.
// :param symptom => "apathy" (required)
MATCH (s:Stage)-[e:EMITS]->(b:Symptom {id: $symptom})
OPTIONAL MATCH (s)-[pr:PREVALENCE]->(b)
RETURN s.id AS stage, s.order AS stage_order, e.probability AS mention_probability,
       pr.prevalence AS published_prevalence
ORDER BY stage_order
