import type Database from 'better-sqlite3';

// Schema changes in order; user_version records how many have run. Never edit a shipped step: add one.
const steps: string[] = [
  `CREATE TABLE sessions (
     id INTEGER PRIMARY KEY,
     nas_name TEXT NOT NULL,
     nas_ip TEXT NOT NULL,
     nas_identifier TEXT NOT NULL DEFAULT '',
     acct_session_id TEXT NOT NULL,
     multi_session_id TEXT,
     user_name TEXT,
     calling_station_id TEXT,
     mac TEXT,
     called_station_id TEXT,
     nas_port TEXT,
     nas_port_type TEXT,
     framed_ip TEXT,
     status TEXT NOT NULL CHECK (status IN ('open', 'closed')),
     started_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL,
     stopped_at INTEGER,
     session_time INTEGER,
     input_octets INTEGER NOT NULL DEFAULT 0,
     output_octets INTEGER NOT NULL DEFAULT 0,
     input_packets INTEGER NOT NULL DEFAULT 0,
     output_packets INTEGER NOT NULL DEFAULT 0,
     interim_interval INTEGER,
     terminate_cause TEXT,
     UNIQUE (nas_name, nas_ip, nas_identifier, acct_session_id)
   );
   CREATE INDEX sessions_open ON sessions (status, nas_name, nas_ip);
   CREATE INDEX sessions_mac ON sessions (mac);
   CREATE TABLE auth_log (
     id INTEGER PRIMARY KEY,
     time INTEGER NOT NULL,
     nas_name TEXT NOT NULL,
     nas_ip TEXT,
     mac TEXT,
     user_name TEXT,
     method TEXT NOT NULL,
     result TEXT NOT NULL CHECK (result IN ('accept', 'reject')),
     reason TEXT NOT NULL,
     details TEXT
   );
   CREATE INDEX auth_log_time ON auth_log (time);
   CREATE INDEX auth_log_mac ON auth_log (mac, time);`,
  // The auth log's by-MAC lookup moves out of auth_log: an index keyed by MAC takes every insert to a random
  // page, which made it most of the cost of logging a decision. auth_log_by_mac is filled in bulk from rows
  // above auth_log_indexed.upto (see AuthLog); queries add those few recent rows by scanning them.
  `DROP INDEX auth_log_mac;
   CREATE TABLE auth_log_by_mac (
     mac TEXT NOT NULL,
     time INTEGER NOT NULL,
     id INTEGER NOT NULL,
     PRIMARY KEY (mac, time, id)
   ) WITHOUT ROWID;
   INSERT INTO auth_log_by_mac (mac, time, id) SELECT mac, time, id FROM auth_log WHERE mac IS NOT NULL ORDER BY mac, time, id;
   CREATE TABLE auth_log_indexed (upto INTEGER NOT NULL);
   INSERT INTO auth_log_indexed (upto) SELECT coalesce(max(id), 0) FROM auth_log;`,
  // Jamf posture: the last known fleet (one JSON record per device) and the sync status.
  `CREATE TABLE posture_devices (
     key TEXT PRIMARY KEY,
     record TEXT NOT NULL,
     fetched_at INTEGER NOT NULL
   );
   CREATE TABLE posture_meta (
     name TEXT PRIMARY KEY,
     value TEXT NOT NULL
   );`,
  // CoA: the last Disconnect/CoA sent for a session and how the NAS answered (portcullis sessions, coa CLI). A table
  // of its own, not columns on sessions: the accounting upsert (the hot path) keeps its row as it is.
  `CREATE TABLE session_coa (
     session_id INTEGER PRIMARY KEY,
     at INTEGER NOT NULL,
     action TEXT NOT NULL,
     result TEXT NOT NULL CHECK (result IN ('ack', 'nak', 'timeout', 'error')),
     error_cause INTEGER,
     detail TEXT
   );`,
  // CoA per device: every Disconnect/CoA sent because a device's posture changed, and how the NAS answered.
  `CREATE TABLE coa_log (
     id INTEGER PRIMARY KEY,
     time INTEGER NOT NULL,
     device TEXT NOT NULL,
     mac TEXT,
     nas_name TEXT NOT NULL,
     acct_session_id TEXT,
     reason TEXT NOT NULL,
     action TEXT NOT NULL,
     result TEXT NOT NULL,
     error_cause INTEGER,
     detail TEXT
   );
   CREATE INDEX coa_log_device ON coa_log (device, time);
   CREATE INDEX coa_log_mac ON coa_log (mac, time);`,
];

export function migrate(db: Database.Database): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  for (let i = version; i < steps.length; i++) {
    db.transaction(() => {
      db.exec(steps[i]);
      db.pragma(`user_version = ${i + 1}`);
    })();
  }
}
