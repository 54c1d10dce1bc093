-- The linkage runner visits only the pushes with a reminder or an escalation still to come
-- (issue #17: background work bounded by what is due, not by the history): an unclaimed push
-- leaves this index once it is escalated, and every claimed one never returns to it.
CREATE INDEX pushes_pending ON pushes (claim_due) WHERE status = 'awaiting_claim' AND (reminded_on IS NULL OR escalated_on IS NULL);
