-- Sign-in sessions. The browser holds a random token in an httpOnly cookie;
-- the database keeps only its SHA-256, so a leaked table opens no session.
CREATE TABLE user_session (
  token_hash text PRIMARY KEY,
  user_id bigint NOT NULL REFERENCES app_user (id),
  created_at timestamptz NOT NULL DEFAULT now(),
  last_seen_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL,
  user_agent text,
  CONSTRAINT user_session_expiry_after_creation CHECK (expires_at > created_at)
);

CREATE INDEX user_session_user_idx ON user_session (user_id);
CREATE INDEX user_session_expiry_idx ON user_session (expires_at);

-- Failed sign-ins, for rate limiting by username and by address across all API processes.
CREATE TABLE sign_in_failure (
  id bigserial PRIMARY KEY,
  username text NOT NULL,
  address text NOT NULL,
  failed_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX sign_in_failure_username_idx ON sign_in_failure (username, failed_at);
CREATE INDEX sign_in_failure_address_idx ON sign_in_failure (address, failed_at);
