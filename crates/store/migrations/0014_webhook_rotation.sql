-- Webhook secret rotation: the previous secret keeps signing deliveries (beside the new one)
-- until `previous_until`, so a department can install the new secret without missing one.
ALTER TABLE webhooks ADD COLUMN previous_secret TEXT;
ALTER TABLE webhooks ADD COLUMN previous_until INTEGER;
-- When the feed entry was made: the CloudEvent's `time`, the same on every retry.
ALTER TABLE webhook_deliveries ADD COLUMN created_at INTEGER;
