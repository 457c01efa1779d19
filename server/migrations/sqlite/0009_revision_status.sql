-- An archived revision keeps the status it was replaced in (submitted, or returned by its
-- reviewer): the audit entry of a resubmission reads what it replaced from here, inside
-- the one statement batch that writes a submission on SQLite.
ALTER TABLE filing_revisions ADD COLUMN status TEXT;

DROP TRIGGER filings_archive_revision;
CREATE TRIGGER filings_archive_revision AFTER UPDATE OF revision ON filings
WHEN NEW.revision <> OLD.revision
BEGIN
    INSERT INTO filing_revisions (filing_id, revision, scheme_version, inputs, result, total, late, submitted_at, status)
    VALUES (OLD.id, OLD.revision, OLD.scheme_version, OLD.inputs, OLD.result, OLD.total, OLD.late, OLD.submitted_at,
            OLD.status);
END;
