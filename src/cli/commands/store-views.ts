import { existsSync } from 'node:fs';
import { loadConfig } from '../../config/load.js';
import { normaliseMac } from '../../posture/mac.js';
import { AuthLog } from '../../store/auth-log.js';
import { openDatabase } from '../../store/db.js';
import { SessionStore, type SessionRow } from '../../store/sessions.js';
import { errorCauseText } from '../../coa/error-cause.js';
import { formatTable, isoMillis, isoSeconds } from '../table.js';

function openStore(configFile: string) {
  const config = loadConfig(configFile, { requireSecrets: false });
  if (!existsSync(config.store.path)) {
    throw new Error(`no database at ${config.store.path} yet: start the server once (portcullis serve -c ${configFile})`);
  }
  return openDatabase(config.store.path, { readonly: true });
}

function macOption(mac: string | undefined): string | undefined {
  if (mac === undefined) return undefined;
  const m = normaliseMac(mac);
  if (!m) throw new Error(`"${mac}" is not a MAC address`);
  return m;
}

/** "2025-01-02T03:04:05Z disconnect NAK Session Context Not Found (503)": when, what, how the NAS answered. */
function lastCoa(r: SessionRow): string | undefined {
  if (!r.coa_at || !r.coa_result) return undefined;
  const cause = r.coa_error_cause ? ` ${errorCauseText(r.coa_error_cause)}` : '';
  return `${isoSeconds(Math.floor(r.coa_at / 1000))} ${r.coa_action} ${r.coa_result.toUpperCase()}${cause}`;
}

export function sessionsCommand(configFile: string, o: { nas?: string; mac?: string; all?: boolean; json?: boolean; limit: string }): void {
  const db = openStore(configFile);
  const rows = new SessionStore(db).list({ nas: o.nas, mac: macOption(o.mac), status: o.all ? undefined : 'open', limit: Number(o.limit) });
  db.close();
  if (o.json) {
    process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  if (rows.length === 0) {
    process.stdout.write(o.all ? 'no sessions recorded\n' : 'no open sessions (use --all to include closed ones)\n');
    return;
  }
  process.stdout.write(`${formatTable(
    ['NAS', 'NAS-IP', 'SESSION', 'MAC', 'USER', 'FRAMED-IP', 'STATUS', 'STARTED', 'UPDATED', 'SECONDS', 'IN-OCTETS', 'OUT-OCTETS', 'CAUSE', 'LAST-COA'],
    rows.map((r) => [r.nas_identifier ? `${r.nas_name}/${r.nas_identifier}` : r.nas_name, r.nas_ip, r.acct_session_id, r.mac ?? r.calling_station_id, r.user_name, r.framed_ip,
      r.status, isoSeconds(r.started_at), isoSeconds(r.updated_at), r.session_time, r.input_octets, r.output_octets, r.terminate_cause, lastCoa(r)]),
  )}\n`);
}

export function logCommand(configFile: string, o: { mac?: string; user?: string; json?: boolean; limit: string }): void {
  const db = openStore(configFile);
  const rows = new AuthLog(db).list({ mac: macOption(o.mac), user: o.user, limit: Number(o.limit) });
  db.close();
  if (o.json) {
    process.stdout.write(`${JSON.stringify(rows.map((r) => ({ ...r, details: r.details ? JSON.parse(r.details) : null })), null, 2)}\n`);
    return;
  }
  if (rows.length === 0) {
    process.stdout.write('no authentications recorded\n');
    return;
  }
  process.stdout.write(`${formatTable(
    ['TIME', 'NAS', 'MAC', 'USER', 'METHOD', 'RESULT', 'REASON'],
    rows.map((r) => [isoMillis(r.time), r.nas_name, r.mac, r.user_name, r.method, r.result.toUpperCase(), r.reason]),
  )}\n`);
}
