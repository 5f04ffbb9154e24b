import { existsSync } from 'node:fs';
import { BUILTIN_DICTIONARIES } from '../../app.js';
import { CoaClient, coaRecord, coaSessionFromRow, describeOutcome, type CoaActionResult } from '../../coa/index.js';
import { loadConfig } from '../../config/load.js';
import { normaliseMac } from '../../posture/mac.js';
import { loadDictionaries } from '../../radius/dictionary/parser.js';
import { openDatabase } from '../../store/db.js';
import { SessionStore, type SessionRow } from '../../store/sessions.js';

// `portcullis coa disconnect|reauth --mac X | --session ID`: finds the open sessions in the store, sends to their
// NAS (with the server's CoA settings), prints one line per session, records the result on the session.

export type CoaCliAction = 'disconnect' | 'reauth';

export interface CoaCliOptions {
  mac?: string;
  session?: string;
  nas?: string;
}

function outcomeLine(action: CoaCliAction, row: SessionRow, r: CoaActionResult): string {
  const who = `${row.nas_name} ${r.target} session ${row.acct_session_id || '-'} mac ${row.mac ?? row.calling_station_id ?? '-'}`;
  const via = r.steps.length > 1
    ? ` via ${r.sent} (${r.steps.slice(0, -1).map((s) => `${s.message} ${describeOutcome(s.outcome)}`).join(', ')})`
    : r.sent !== 'disconnect' || action === 'reauth' ? ` via ${r.sent}` : '';
  const attempts = r.attempts ? `, ${r.attempts} attempt${r.attempts === 1 ? '' : 's'}, ${Math.round(r.ms)} ms` : '';
  return `${action} ${who}: ${describeOutcome(r)}${via}${attempts ? ` [${attempts.slice(2)}]` : ''}`;
}

/** Returns the exit code: 0 when every session's NAS answered ACK. */
export async function coaCommand(action: CoaCliAction, configFile: string, o: CoaCliOptions): Promise<number> {
  if (!o.mac && !o.session) throw new Error('say which session: --mac <mac> or --session <Acct-Session-Id>');
  const mac = o.mac === undefined ? undefined : normaliseMac(o.mac);
  if (o.mac !== undefined && !mac) throw new Error(`"${o.mac}" is not a MAC address`);
  const config = loadConfig(configFile);
  if (!existsSync(config.store.path)) throw new Error(`no database at ${config.store.path}: no sessions recorded yet`);
  const dictionary = loadDictionaries([BUILTIN_DICTIONARIES, ...config.dictionaries]);
  const db = openDatabase(config.store.path, { synchronous: config.store.synchronous });
  const client = new CoaClient({ dictionary, ...config.coa });
  try {
    const store = new SessionStore(db);
    const rows = store.list({ mac, acctSessionId: o.session, nas: o.nas, status: 'open' });
    if (rows.length === 0) {
      const what = [mac && `MAC ${mac}`, o.session && `session ${o.session}`, o.nas && `NAS ${o.nas}`].filter(Boolean).join(', ');
      process.stderr.write(`portcullis: no open session for ${what} (see portcullis sessions)\n`);
      return 1;
    }
    const results = await Promise.all(rows.map(async (row) => {
      const nas = config.clients.find((c) => c.name === row.nas_name);
      if (!nas) {
        process.stdout.write(`${action} ${row.nas_name} session ${row.acct_session_id}: ERROR client "${row.nas_name}" is not in ${configFile} any more\n`);
        return false;
      }
      const session = coaSessionFromRow(row);
      const result = action === 'disconnect' ? await client.disconnect(nas, session) : await client.reauthenticate(nas, session);
      store.recordCoa(row.id, coaRecord(result));
      process.stdout.write(`${outcomeLine(action, row, result)}\n`);
      return result.kind === 'ack';
    }));
    return results.every(Boolean) ? 0 : 1;
  } finally {
    await client.close();
    db.close();
  }
}
