-- API tokens expire (a year unless the issuer says less) and record when they were last used,
-- so an administrator can see which ones are idle and revoke them.
ALTER TABLE api_tokens ADD COLUMN expires_at INTEGER;
ALTER TABLE api_tokens ADD COLUMN last_used_at INTEGER;
ALTER TABLE api_tokens ADD COLUMN revoked_at INTEGER;
-- Tokens issued before expiry existed get a year from their issue.
UPDATE api_tokens SET expires_at = created_at + 31536000 WHERE expires_at IS NULL;
