-- Where a case came from outside, by the outside's own name for it: the
-- message id of an SMS, WeChat or e-mail delivery (a gateway that delivers the
-- same message again gets the case it already made, not a second one) and the
-- token an Open311 client was given. Written in the transaction that creates
-- the case, so a retried delivery racing the first one cannot make two cases.
CREATE TABLE case_intake_reference (
  channel text NOT NULL,
  reference text NOT NULL,
  case_id bigint NOT NULL REFERENCES cases (id),
  -- Who sent it as the channel names them (phone, WeChat openId, e-mail address), for replying.
  sender text,
  -- When the channel received it (the gateway's clock), and when we did.
  sent_at timestamptz,
  received_at timestamptz NOT NULL,
  PRIMARY KEY (channel, reference),
  CONSTRAINT case_intake_reference_channel_known CHECK (channel IN ('sms', 'wechat', 'email', 'open311')),
  CONSTRAINT case_intake_reference_length CHECK (length(reference) BETWEEN 1 AND 200),
  CONSTRAINT case_intake_reference_sender_length CHECK (sender IS NULL OR length(sender) <= 320)
);

CREATE INDEX case_intake_reference_case_idx ON case_intake_reference (case_id);
