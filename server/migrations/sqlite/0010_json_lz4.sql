-- PostgreSQL's 0010 compresses the filings' JSON columns with lz4. SQLite stores JSON as
-- plain TEXT without compression: nothing to change. (The file keeps both folders'
-- numbers in step.)
SELECT 1;
