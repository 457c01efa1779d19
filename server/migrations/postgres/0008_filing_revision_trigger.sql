-- A resubmission's previous revision moves to filing_revisions by trigger, in the same
-- statement that replaces it: the submission's write transaction is a round trip
-- shorter, and no replacement can forget its history.
CREATE FUNCTION filings_archive_revision() RETURNS trigger AS $$
BEGIN
    INSERT INTO filing_revisions (filing_id, revision, scheme_version, inputs, result, total, late, submitted_at)
    VALUES (OLD.id, OLD.revision, OLD.scheme_version, OLD.inputs, OLD.result, OLD.total, OLD.late, OLD.submitted_at);
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER filings_archive_revision AFTER UPDATE OF revision ON filings
FOR EACH ROW WHEN (NEW.revision <> OLD.revision)
EXECUTE FUNCTION filings_archive_revision();
