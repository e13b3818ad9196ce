-- Telemetra schema (abridged): the tables seed 003 lists.
CREATE TABLE IF NOT EXISTS streams (id SERIAL PRIMARY KEY, name TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS chat_summary_minute (stream_id INT REFERENCES streams(id), minute TIMESTAMPTZ, messages INT);
CREATE TABLE IF NOT EXISTS viewer_timeseries (stream_id INT REFERENCES streams(id), at TIMESTAMPTZ, viewers INT);
CREATE TABLE IF NOT EXISTS transactions (id SERIAL PRIMARY KEY, stream_id INT REFERENCES streams(id), amount NUMERIC);
CREATE TABLE IF NOT EXISTS moments (id SERIAL PRIMARY KEY, stream_id INT REFERENCES streams(id), note TEXT);
