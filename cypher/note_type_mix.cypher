// Purpose: Mix of note types over the years around diagnosis: visits per year and share of notes.
// :param from_period => -10 (range -100..100)
// :param to_period => 2 (range -100..100)
MATCH (p:Period)-[h:HAS_NOTE_TYPE]->(n:NoteType)
WHERE p.offset >= $from_period AND p.offset <= $to_period
RETURN p.offset AS period, n.id AS note_type, h.visits_per_year AS visits_per_year, h.probability AS share
ORDER BY period, note_type
