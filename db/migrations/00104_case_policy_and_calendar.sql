-- Deadlines, card thresholds and duplicate detection are policy, editable.
INSERT INTO policy (key, value, description) VALUES
  ('case.deadlines',
   '{"signForWorkingDays": 1, "ownRemitWorkingDays": 3, "multiUnitWorkingDays": 7, "urgentSignForHours": 2, "urgentAnswerHours": 24, "reminderHours": 4}',
   '办理时限 / deadlines: sign for within 1 working day, own remit 1–3, multi-unit 7, urgent in hours'),
  ('case.cards',
   '{"yellowAfterDays": 7, "redAfterDays": 15}',
   '红黄牌 / cards: yellow when unresolved more than 7 days, red more than 15'),
  ('case.duplicates',
   '{"radiusMetres": 300, "windowDays": 30, "minimumSimilarity": 0.35}',
   '重复件 / likely duplicates: same category within this distance and window, with similar text'),
  ('case.boundary_tolerance',
   '{"metres": 15}',
   '边界提示 / a point this close to a grid or village boundary is flagged for the clerk to confirm'),
  ('case.copy_to_leader',
   '{"transfersBeforeCopy": 3}',
   '领导领办 / copy a case to the leader in charge after this many transfers, or when it bounces back');

-- The deployment's own calendar corrections on top of the official calendar
-- (chinese-days): a local holiday, or a year the package does not know yet.
CREATE TABLE calendar_override (
  day date PRIMARY KEY,
  is_workday boolean NOT NULL,
  note text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

-- Reminders already sent, so a sweep run twice reminds once.
CREATE TABLE case_reminder (
  case_id bigint NOT NULL REFERENCES cases (id),
  deadline_kind text NOT NULL,
  deadline_at timestamptz NOT NULL,
  sent_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (case_id, deadline_kind, deadline_at),
  CONSTRAINT case_reminder_kind_known CHECK (deadline_kind IN ('sign_for', 'answer'))
);
