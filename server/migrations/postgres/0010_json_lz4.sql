-- The engine's result (about 6 KB of JSON per filing, kept again per revision) and the
-- inputs are compressed with lz4 instead of the default pglz. Measured with
-- scripts/bench-submissions.sh's load on a 2-core machine: pglz compression of each
-- submitted result was about 4 % of the submissions per second, lz4 compresses the same
-- result to 3.2 KB instead of 2.7 KB at a fraction of the CPU (bench/results/submissions.md,
-- sixth session). Only values written from now on change; older ones stay pglz and read
-- the same.
--
-- A server built without lz4 (or older than PostgreSQL 14) keeps pglz: the statements are
-- run dynamically so that their failure is caught here instead of stopping start-up.
DO $$
BEGIN
    EXECUTE 'ALTER TABLE filings ALTER COLUMN result SET COMPRESSION lz4, '
         || 'ALTER COLUMN inputs SET COMPRESSION lz4';
    EXECUTE 'ALTER TABLE filing_revisions ALTER COLUMN result SET COMPRESSION lz4, '
         || 'ALTER COLUMN inputs SET COMPRESSION lz4';
EXCEPTION WHEN feature_not_supported OR syntax_error OR invalid_parameter_value THEN
    RAISE NOTICE 'lz4 compression not available (%): filings keep pglz', SQLERRM;
END
$$;
