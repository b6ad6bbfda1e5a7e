-- Live events reach the wall across API processes without loss or duplicates
-- (ADR 0004). Each API process reads new rows of case_event and
-- worker_position by id; ids are drawn in insert order but committed in any
-- order, so a process must know up to which id nothing is still in flight.
--
-- Every statement that inserts into these tables first takes a shared
-- transaction-level advisory lock (held until its transaction ends; writers
-- never wait for each other). A process that takes the same lock exclusively,
-- with a short lock_timeout, knows at that moment that no insert is in flight:
-- every id up to the largest one visible is final. The lock is per table and
-- per database, and unlike a table lock it does not wait for autovacuum.
CREATE FUNCTION live_event_writer_lock() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_advisory_xact_lock_shared(73010, TG_ARGV[0]::int);
  RETURN NULL;
END;
$$;

CREATE TRIGGER case_event_writer_lock BEFORE INSERT ON case_event
  FOR EACH STATEMENT EXECUTE FUNCTION live_event_writer_lock('1');
CREATE TRIGGER worker_position_writer_lock BEFORE INSERT ON worker_position
  FOR EACH STATEMENT EXECUTE FUNCTION live_event_writer_lock('2');
