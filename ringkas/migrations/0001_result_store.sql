-- The durable result store (ringkas/resultstore.py): one row per job that has a finished
-- article, one per finished article. Job state, progress and the queue stay in Redis; these
-- rows are what survives Redis losing its data, until the job's retention ends.
CREATE TABLE ringkas_jobs (
    job_id     text PRIMARY KEY,
    -- The job's meta as Redis holds it: {"job_id", "created_at", "tasks", "total"}.
    meta       jsonb NOT NULL,
    -- The API key id that submitted it; null in open mode.
    owner      text,
    -- RINGKAS_JOB_TTL_S after the job's last finished article, as Redis expires its hash.
    expires_at timestamptz NOT NULL
);
CREATE INDEX ringkas_jobs_expires_at ON ringkas_jobs (expires_at);

CREATE TABLE ringkas_articles (
    job_id    text NOT NULL REFERENCES ringkas_jobs (job_id) ON DELETE CASCADE,
    idx       integer NOT NULL CHECK (idx >= 0),
    -- The article's labels as submitted: {"id", "title", "source_lang"} (not its text).
    label     jsonb NOT NULL,
    -- Its final state: {"status", "attempts", "started_at", "finished_at", "error", "batched"}.
    state     jsonb NOT NULL,
    -- The worker's last sentence count {"done", "total"}, or null.
    sentences jsonb,
    -- The result as ringkas/resultcodec.py encodes it (compact, zstd); null when it failed.
    result    bytea,
    PRIMARY KEY (job_id, idx)
);
-- Already compressed: spare PostgreSQL compressing it again.
ALTER TABLE ringkas_articles ALTER COLUMN result SET STORAGE EXTERNAL;
