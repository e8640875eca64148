// Purpose: Expected share of symptom mentions in each lexicon domain, by year relative to diagnosis: sum over stages of P(stage | year) * share(domain | stage).
// :param domain => null
MATCH (p:Period)-[i:IN_STAGE]->(s:Stage)-[d:DOMAIN_SHARE]->(dom:LexiconDomain)
WHERE $domain IS NULL OR dom.id = $domain
WITH p, dom, s, i.probability * d.probability AS part
ORDER BY p.offset, dom.id, s.order
WITH p, dom, collect(part) AS parts
RETURN p.offset AS period, dom.id AS domain, reduce(acc = 0.0, x IN parts | acc + x) AS share
ORDER BY period, domain
