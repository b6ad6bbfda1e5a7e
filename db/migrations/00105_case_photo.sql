-- Photos attached to a case (at intake or while handling), kept with the case
-- in the same transaction. Size is limited by the API and again here.
CREATE TABLE case_photo (
  id bigserial PRIMARY KEY,
  case_id bigint NOT NULL REFERENCES cases (id),
  content_type text NOT NULL,
  bytes bytea NOT NULL,
  file_name text,
  added_by_user_id bigint REFERENCES app_user (id),
  added_at timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT case_photo_type_known CHECK (content_type IN ('image/jpeg', 'image/png', 'image/webp')),
  CONSTRAINT case_photo_size CHECK (octet_length(bytes) BETWEEN 1 AND 2097152)
);

CREATE INDEX case_photo_case_idx ON case_photo (case_id);
