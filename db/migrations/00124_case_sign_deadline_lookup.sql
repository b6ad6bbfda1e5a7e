-- Reminders before the sign-for deadline (with the card sweep, every ten
-- minutes) look for dispatched cases whose deadline comes within hours: an
-- index range over the cases that have such a deadline, instead of reading
-- every case. (Answer deadlines have cases_open_deadline_idx.)
CREATE INDEX cases_sign_deadline_idx ON cases (sign_deadline_at)
  WHERE state = 'dispatched' AND sign_deadline_at IS NOT NULL;
