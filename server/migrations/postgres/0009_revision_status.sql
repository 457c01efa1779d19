-- An archived revision keeps the status it was replaced in (submitted, or returned by its
-- reviewer), as on SQLite, where a resubmission's audit entry reads it from here.
ALTER TABLE filing_revisions ADD COLUMN status TEXT;

CREATE OR REPLACE FUNCTION filings_archive_revision() RETURNS trigger AS $$
BEGIN
    INSERT INTO filing_revisions (filing_id, revision, scheme_version, inputs, result, total, late, submitted_at, status)
    VALUES (OLD.id, OLD.revision, OLD.scheme_version, OLD.inputs, OLD.result, OLD.total, OLD.late, OLD.submitted_at,
            OLD.status);
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
