-- Telemetra schema, run once by the postgres image on an empty data volume
-- (mounted at /docker-entrypoint-initdb.d/ by stacks/telemetra.toml).
-- Tables from the seed's infra/init-db.sql description: stream metadata,
-- 1-minute chat aggregates, viewer snapshots, transactions and detected moments.

CREATE TABLE IF NOT EXISTS streams (
    stream_id    TEXT PRIMARY KEY,
    title        TEXT NOT NULL,
    channel      TEXT NOT NULL,
    category     TEXT,
    started_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    ended_at     TIMESTAMPTZ,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS chat_summary_minute (
    stream_id        TEXT NOT NULL REFERENCES streams (stream_id) ON DELETE CASCADE,
    window_start     TIMESTAMPTZ NOT NULL,
    window_end       TIMESTAMPTZ NOT NULL,
    message_count    INTEGER NOT NULL DEFAULT 0,
    unique_chatters  INTEGER NOT NULL DEFAULT 0,
    avg_sentiment    DOUBLE PRECISION,
    top_emotes       JSONB NOT NULL DEFAULT '[]'::jsonb,
    created_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at       TIMESTAMPTZ NOT NULL DEFAULT now(),
    PRIMARY KEY (stream_id, window_start)
);

CREATE TABLE IF NOT EXISTS viewer_timeseries (
    stream_id     TEXT NOT NULL REFERENCES streams (stream_id) ON DELETE CASCADE,
    observed_at   TIMESTAMPTZ NOT NULL,
    viewer_count  INTEGER NOT NULL CHECK (viewer_count >= 0),
    PRIMARY KEY (stream_id, observed_at)
);

CREATE TABLE IF NOT EXISTS transactions (
    transaction_id  TEXT PRIMARY KEY,
    stream_id       TEXT NOT NULL REFERENCES streams (stream_id) ON DELETE CASCADE,
    user_id         TEXT NOT NULL,
    kind            TEXT NOT NULL,
    amount          NUMERIC(12, 2) NOT NULL,
    currency        CHAR(3) NOT NULL DEFAULT 'USD',
    occurred_at     TIMESTAMPTZ NOT NULL
);

CREATE TABLE IF NOT EXISTS moments (
    moment_id    BIGSERIAL PRIMARY KEY,
    stream_id    TEXT NOT NULL REFERENCES streams (stream_id) ON DELETE CASCADE,
    detected_at  TIMESTAMPTZ NOT NULL,
    kind         TEXT NOT NULL,
    z_score      DOUBLE PRECISION NOT NULL,
    details      JSONB NOT NULL DEFAULT '{}'::jsonb,
    created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at   TIMESTAMPTZ NOT NULL DEFAULT now()
);

CREATE INDEX IF NOT EXISTS chat_summary_minute_window ON chat_summary_minute (window_start DESC);
CREATE INDEX IF NOT EXISTS viewer_timeseries_observed ON viewer_timeseries (observed_at DESC);
CREATE INDEX IF NOT EXISTS transactions_stream_time ON transactions (stream_id, occurred_at DESC);
CREATE INDEX IF NOT EXISTS moments_stream_time ON moments (stream_id, detected_at DESC);

-- Keep updated_at current.
CREATE OR REPLACE FUNCTION touch_updated_at() RETURNS trigger AS $$
BEGIN
    NEW.updated_at = now();
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER streams_touch BEFORE UPDATE ON streams
    FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE TRIGGER chat_summary_minute_touch BEFORE UPDATE ON chat_summary_minute
    FOR EACH ROW EXECUTE FUNCTION touch_updated_at();
CREATE TRIGGER moments_touch BEFORE UPDATE ON moments
    FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

-- Reporting: per-stream totals, refreshed by the backend.
CREATE MATERIALIZED VIEW IF NOT EXISTS stream_report AS
SELECT s.stream_id,
       s.title,
       COALESCE(SUM(c.message_count), 0) AS messages,
       (SELECT MAX(v.viewer_count) FROM viewer_timeseries v WHERE v.stream_id = s.stream_id) AS peak_viewers,
       (SELECT COALESCE(SUM(t.amount), 0) FROM transactions t WHERE t.stream_id = s.stream_id) AS revenue,
       (SELECT COUNT(*) FROM moments m WHERE m.stream_id = s.stream_id) AS moments
FROM streams s
LEFT JOIN chat_summary_minute c ON c.stream_id = s.stream_id
GROUP BY s.stream_id, s.title;

CREATE UNIQUE INDEX IF NOT EXISTS stream_report_stream ON stream_report (stream_id);

-- The demo stream the mock producer writes to.
INSERT INTO streams (stream_id, title, channel, category)
VALUES ('demo_stream', 'Telemetra demo stream', 'demo_channel', 'Just Chatting')
ON CONFLICT (stream_id) DO NOTHING;
