// Purpose: Who reports symptom mentions in each stage for one note type (patient, family or caregiver, clinician), and the label a report takes.
// :param note_type => "primary_care"
MATCH (s:Stage)-[r:REPORTED_BY]->(rep:Reporter)
WHERE r.note_type = $note_type
OPTIONAL MATCH (rep)-[:REPORT_LABEL]->(l:Label)
RETURN s.id AS stage, s.order AS stage_order, rep.id AS reporter, r.probability AS probability, l.id AS report_label
ORDER BY stage_order, reporter
