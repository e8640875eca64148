// Purpose: Share of symptom mentions in each lexicon domain, by disease stage.
// :param domain => null
MATCH (s:Stage)-[d:DOMAIN_SHARE]->(dom:LexiconDomain)
WHERE $domain IS NULL OR dom.id = $domain
RETURN s.id AS stage, s.order AS stage_order, dom.id AS domain, d.probability AS share
ORDER BY stage_order, domain
