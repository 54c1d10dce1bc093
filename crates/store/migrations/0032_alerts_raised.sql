-- The accountability report counts every alert of a period (issue #17): a range of one
-- jurisdiction's alerts by the day they were raised, whatever their status.
CREATE INDEX alerts_raised ON alerts (jurisdiction, raised_on);
