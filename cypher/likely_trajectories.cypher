// Purpose: Most probable k-step persist/evolve chains from a symptom within one stage (re-drawn mentions excluded); probability is the product of TRANSITIONS_TO along the chain. steps is 1..6.
// :param symptom => "short_term_memory_loss" (required)
// :param stage => "mci" (required)
// :param steps => 3 (range 1..6)
// :param limit => 10 (range 1..1000)
MATCH p = (a:Symptom {id: $symptom})-[:TRANSITIONS_TO*1..6]->(:Symptom)
WHERE length(p) = $steps AND all(t IN relationships(p) WHERE t.stage = $stage)
RETURN [n IN nodes(p) | n.id] AS trajectory,
       reduce(acc = 1.0, t IN relationships(p) | acc * t.probability) AS probability
ORDER BY probability DESC, trajectory
LIMIT $limit
