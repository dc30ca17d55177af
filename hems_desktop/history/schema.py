"""The history database's schema: versioned with PRAGMA user_version, migrated in one transaction each.

Version 2 adds the reverse direction (energy sold by solar homes) beside every normal value,
the meter's 1-minute values (D0, EE/EF of next-generation meters), and the highest phase
currents per half hour in the rollup (contract-amperage headroom without scanning readings).
"""

from __future__ import annotations

SCHEMA_VERSION = 2

MIGRATIONS: dict[int, str] = {
    1: """
    CREATE TABLE meters (
        meter_id TEXT PRIMARY KEY,
        coefficient INTEGER,
        unit_kwh TEXT,
        first_seen INTEGER NOT NULL,
        last_seen INTEGER NOT NULL
    );
    CREATE TABLE readings (
        meter_id TEXT NOT NULL,
        ts INTEGER NOT NULL,            -- unix milliseconds
        utc_offset_s INTEGER NOT NULL,  -- the local offset the reading was taken in
        instant_w INTEGER,
        current_r_a REAL,
        current_t_a REAL,
        cumulative_kwh REAL,
        PRIMARY KEY (meter_id, ts)
    ) WITHOUT ROWID;
    CREATE TABLE rollup (
        meter_id TEXT NOT NULL,
        slot INTEGER NOT NULL,          -- unix seconds // 1800
        n INTEGER NOT NULL,
        sum_w REAL NOT NULL,
        min_w INTEGER,
        max_w INTEGER,
        n_r INTEGER NOT NULL DEFAULT 0,
        sum_r REAL NOT NULL DEFAULT 0,
        n_t INTEGER NOT NULL DEFAULT 0,
        sum_t REAL NOT NULL DEFAULT 0,
        PRIMARY KEY (meter_id, slot)
    ) WITHOUT ROWID;
    CREATE TABLE half_hours (
        meter_id TEXT NOT NULL,
        slot_start INTEGER NOT NULL,    -- unix seconds of the :00/:30 boundary the value was latched at
        kwh REAL NOT NULL,              -- cumulative normal-direction energy at that instant
        source TEXT NOT NULL CHECK (source IN ('EA', 'E2', 'EC')),
        PRIMARY KEY (meter_id, slot_start)
    ) WITHOUT ROWID;
    """,
    # A value of either direction may arrive first (EB with EA, E4 backfilled apart from E2),
    # so both become nullable: the table is rebuilt (SQLite cannot drop NOT NULL in place).
    2: """
    CREATE TABLE half_hours_v2 (
        meter_id TEXT NOT NULL,
        slot_start INTEGER NOT NULL,
        kwh REAL,                       -- cumulative normal direction (bought), NULL until known
        source TEXT CHECK (source IN ('EA', 'E2', 'EC')),
        kwh_reverse REAL,               -- cumulative reverse direction (sold), NULL until known
        source_reverse TEXT CHECK (source_reverse IN ('EB', 'E4', 'EC')),
        PRIMARY KEY (meter_id, slot_start)
    ) WITHOUT ROWID;
    INSERT INTO half_hours_v2 (meter_id, slot_start, kwh, source) SELECT meter_id, slot_start, kwh, source
        FROM half_hours;
    DROP TABLE half_hours;
    ALTER TABLE half_hours_v2 RENAME TO half_hours;
    ALTER TABLE readings ADD COLUMN cumulative_reverse_kwh REAL;
    ALTER TABLE rollup ADD COLUMN max_r REAL;
    ALTER TABLE rollup ADD COLUMN max_t REAL;
    UPDATE rollup SET
        max_r = (SELECT max(current_r_a) FROM readings WHERE readings.meter_id = rollup.meter_id
                 AND ts >= rollup.slot * 1800000 AND ts < (rollup.slot + 1) * 1800000),
        max_t = (SELECT max(current_t_a) FROM readings WHERE readings.meter_id = rollup.meter_id
                 AND ts >= rollup.slot * 1800000 AND ts < (rollup.slot + 1) * 1800000);
    CREATE TABLE minutes (
        meter_id TEXT NOT NULL,
        minute_start INTEGER NOT NULL,  -- unix seconds of the 1-minute boundary the value was latched at
        kwh REAL,                       -- cumulative normal direction
        kwh_reverse REAL,               -- cumulative reverse direction
        source TEXT NOT NULL CHECK (source IN ('D0', 'EE', 'EF')),
        PRIMARY KEY (meter_id, minute_start)
    ) WITHOUT ROWID;
    """,
}
