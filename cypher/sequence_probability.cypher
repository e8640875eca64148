// Purpose: Probability that one symptom mention follows a given sequence from visit to visit within a stage: the product of one-step probabilities TRANSITIONS_TO + RESAMPLES * EMITS.
// :param symptoms => ["short_term_memory_loss", "repetitive_questioning", "disorientation_to_time"] (required)
// :param stage => "mci" (required)
MATCH (s:Stage {id: $stage})
UNWIND range(0, size($symptoms) - 2) AS i
MATCH (a:Symptom {id: $symptoms[i]}), (b:Symptom {id: $symptoms[i + 1]})
OPTIONAL MATCH (a)-[t:TRANSITIONS_TO {stage: $stage}]->(b)
OPTIONAL MATCH (a)-[r:RESAMPLES]->(s)
OPTIONAL MATCH (s)-[e:EMITS]->(b)
WITH i, a, b, coalesce(t.probability, 0.0) + coalesce(r.probability, 0.0) * coalesce(e.probability, 0.0) AS p
ORDER BY i
WITH collect({step: i + 1, from: a.id, to: b.id, p: p}) AS steps
UNWIND range(0, size(steps) - 1) AS k
RETURN steps[k].step AS step, steps[k].from AS from_symptom, steps[k].to AS to_symptom,
       steps[k].p AS step_probability,
       reduce(acc = 1.0, x IN steps[0..k + 1] | acc * x.p) AS cumulative_probability
ORDER BY step
