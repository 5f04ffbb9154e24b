import type { Socket } from 'node:dgram';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { setLogLevel } from './log/logger.js';
import { loadConfig, type Config } from './config/load.js';
import { sameSettings } from './config/same-settings.js';
import { ConfigError, formatProblem } from './config/errors.js';
import { loadDictionaries } from './radius/dictionary/parser.js';
import type { Dictionary } from './radius/dictionary/dictionary.js';
import { ClientTable } from './radius/server/clients.js';
import { RadiusPipeline, type ReplySender } from './radius/server/pipeline.js';
import type { RadiusHandler } from './radius/server/types.js';
import { bindUdp, type BoundSocket } from './radius/server/udp-listener.js';
import { createAccessHandler, type Authorization, type EapProvider } from './server/access.js';
import { loadPolicy } from './policy/load.js';
import type { CompiledPolicy } from './policy/policy.js';
import { watchFiles } from './config/watch.js';
import { CoaClient } from './coa/client.js';
import { SessionReauthorizer } from './coa/reauthorize.js';
import { startPushReceiver, type PushReceiver } from './push/index.js';
import { initMd4 } from './crypto/md4.js';
import { PostureService } from './posture/service.js';
import type { PostureChange } from './posture/types.js';
import { createAccountingHandler } from './server/accounting.js';
import { AuthLog } from './store/auth-log.js';
import { BatchWriter } from './store/batch-writer.js';
import { openDatabase, type Db } from './store/db.js';
import { SessionStore } from './store/sessions.js';

// The composition root: the only module that wires every layer together.

/** The dictionaries shipped with portcullis (works from src/ under tsx and from dist/). */
export const BUILTIN_DICTIONARIES = fileURLToPath(new URL('../dictionaries', import.meta.url));

export interface RunningServer {
  readonly config: () => Config;
  readonly dictionary: () => Dictionary;
  readonly auth: RadiusPipeline;
  readonly acct: RadiusPipeline;
  readonly authSockets: readonly BoundSocket[];
  readonly acctSockets: readonly BoundSocket[];
  readonly db: Db;
  /** The auth policy in force (swapped whole on reload). */
  policy(): CompiledPolicy;
  /** Live sessions → Disconnect/CoA when a device's posture changes their policy outcome. */
  readonly reauthorizer: SessionReauthorizer;
  readonly coa: CoaClient;
  /** The Jamf webhook / SSF receiver (undefined without a push: section). */
  push(): PushReceiver | undefined;
  /** Jamf posture (undefined without a jamf: section). */
  posture(): PostureService | undefined;
  /** Writes buffered auth log entries now (tests, shutdown). */
  flushAuthLog(): void;
  /** Re-reads the config file; on any problem the running config stays and the error is returned. */
  reload(): ConfigError | Error | undefined;
  stop(): Promise<void>;
}

export interface StartOptions {
  log: Logger;
  /** Overrides loading from config.file (tests). */
  config?: Config;
  eap?: EapProvider;
  /** Reload when the config or policy file changes on disk (default true). */
  watch?: boolean;
  /** Every Access-Accept after the policy (session tracking). */
  onAuthorized?: (a: Authorization) => void;
}

/** Same Jamf settings (the client secret compared as bytes: it serialises as "[redacted]"). */
function samePosture(a: Config, b: Config): boolean {
  return sameSettings([a.jamf, a.posture], [b.jamf, b.posture]);
}

/** Starts Jamf posture when the config has a jamf: section; its change events go to `onChange` (CoA). */
function startPosture(config: Config, db: Db, log: Logger, onChange: (c: PostureChange) => void): PostureService | undefined {
  for (const w of config.warnings) log.warn(w);
  if (!config.jamf) return undefined;
  const service = new PostureService(config.jamf, config.posture, db, log.child({ layer: 'jamf' }));
  service.store.on('change', onChange);
  service.start();
  return service;
}

function formatAddress(s: BoundSocket): string {
  return s.address.includes(':') ? `[${s.address}]:${s.port}` : `${s.address}:${s.port}`;
}

/** How often a reply is sent with a completion callback (see sendOn). */
const SEND_CHECK_EVERY = 64;

function sendOn(socket: Socket, log: Logger): ReplySender {
  // A completion callback costs a tick per reply, and without one Node reports a failed send nowhere. UDP
  // replies may be lost anyway (the NAS retransmits and gets the cached reply), so only one reply in
  // SEND_CHECK_EVERY is checked: enough to make a persistent failure (firewall, no route) visible in the log.
  let n = 0;
  const onSent = (err: Error | null) => {
    if (err) log.warn({ err }, 'reply not sent');
  };
  return (reply: Buffer, address: string, port: number) => {
    if (++n === SEND_CHECK_EVERY) {
      n = 0;
      socket.send(reply, port, address, onSent);
    } else {
      socket.send(reply, port, address);
    }
  };
}

export async function startServer(configFile: string, options: StartOptions): Promise<RunningServer> {
  const { log } = options;
  let config = options.config ?? loadConfig(configFile);
  let dict = loadDictionaries([BUILTIN_DICTIONARIES, ...config.dictionaries]);
  let loaded = loadPolicy(config, dict);
  let policy = loaded.policy;
  let clients = new ClientTable(config.clients);
  await initMd4(); // MSCHAPv2 (PEAP) needs MD4, which Node's OpenSSL 3 no longer offers
  let eap = options.eap?.update(config, dict);

  const db = openDatabase(config.store.path, { synchronous: config.store.synchronous });
  const writer = new BatchWriter(db);
  const sessions = new SessionStore(db);
  // The auth log gets its own connection: synchronous=NORMAL, so logging a decision costs no fsync.
  const logDb = openDatabase(config.store.path, { synchronous: 'normal' });
  const authLog = new AuthLog(logDb, { onError: (err) => log.error({ err }, 'auth log write failed') });

  const coaLog = log.child({ layer: 'coa' });
  const coa = new CoaClient({ dictionary: dict, ...config.coa, log: coaLog });
  const reauthorizer = new SessionReauthorizer({
    db, sessions, coa, log: coaLog,
    policy: () => policy,
    posture: () => posture?.store,
    clients: () => config.clients,
    dictionary: () => dict,
    flushAuthLog: () => authLog.flush(),
  });
  const onPostureChange = (change: PostureChange) => reauthorizer.onPostureChange(change);
  let posture = startPosture(config, db, log, onPostureChange);
  const startPush = async (c: Config, service: PostureService | undefined): Promise<PushReceiver | undefined> => {
    if (!c.push || !service) return undefined;
    const receiver = await startPushReceiver(c.push, { posture: service, log: log.child({ layer: 'push' }) });
    receiver.events.on('session-revoked', (e) => {
      void reauthorizer.revoke({ macs: e.macs, udid: e.ref.udid }, `CAEP session-revoked from ${e.issuer}`);
    });
    log.info({ url: receiver.address.url }, 'push receiver listening (Jamf webhooks, SSF/CAEP)');
    return receiver;
  };
  let push = await startPush(config, posture);
  const access = createAccessHandler({
    config: () => config, policy: () => policy, authLog, log, eap: () => eap, posture: () => posture,
    onAuthorized: (a) => {
      reauthorizer.onAuthorized(a);
      options.onAuthorized?.(a);
    },
  });
  const accounting = createAccountingHandler({ dict: () => dict, sessions, writer, log });

  const makePipeline = (kind: 'auth' | 'acct', handler: RadiusHandler) =>
    new RadiusPipeline({ kind, handler, log, clients: () => clients, duplicateWindowMs: config.auth.duplicateWindowMs });
  const auth = makePipeline('auth', access);
  const acct = makePipeline('acct', accounting);

  // The socket a request came in on is the one its reply leaves from.
  const senders = new WeakMap<Socket, ReplySender>();
  const onMessage = (pipeline: RadiusPipeline) => (msg: Buffer, address: string, port: number, socket: Socket) => {
    let send = senders.get(socket);
    if (!send) senders.set(socket, (send = sendOn(socket, log)));
    pipeline.handleDatagram(msg, address, port, send);
  };

  const authSockets = await bindUdp(config.auth.listen, onMessage(auth));
  let acctSockets: BoundSocket[];
  try {
    acctSockets = await bindUdp(config.auth.acctListen, onMessage(acct));
  } catch (err) {
    for (const s of authSockets) s.socket.close();
    throw err;
  }
  for (const s of [...authSockets, ...acctSockets]) {
    s.socket.on('error', (err) => log.error({ err, address: s.address, port: s.port }, 'socket error'));
  }

  const expireTimer = setInterval(() => {
    try {
      const n = sessions.expireStale(Math.floor(Date.now() / 1000));
      if (n) log.info({ sessions: n }, 'closed accounting sessions with no Interim-Update for 2.5 intervals');
    } catch (err) {
      log.error({ err }, 'session expiry failed');
    }
  }, 60_000);
  expireTimer.unref();

  const pruneTimer = setInterval(() => {
    const before = Date.now() - config.store.authLogRetentionDays * 86_400_000;
    try {
      authLog.prune(before);
    } catch (err) {
      log.error({ err }, 'auth log prune failed');
    }
  }, 3_600_000);
  pruneTimer.unref();

  /** After a policy reload: the live sessions whose outcome changed are re-authorized, or counted and named in the log. */
  const reconsiderSessions = (from: string, to: string, act: boolean) => {
    reauthorizer.onPolicyChange(act, from, to).then(({ changed, devices }) => {
      if (changed === 0) return;
      const sample = devices.slice(0, 10);
      if (act) log.info({ sessions: changed, devices: sample }, `policy ${to}: re-authorizing ${changed} live session(s) whose outcome changed`);
      else log.warn({ sessions: changed, devices: sample }, `policy ${to}: ${changed} live session(s) would get another outcome; they keep the old one until they authenticate again (coa.on_policy_change: reauthorize acts on them at once; portcullis coa reauth does one)`);
    }, (err) => log.error({ err }, 'live sessions NOT re-evaluated after the policy change'));
  };

  const logPolicy = () => {
    for (const w of loaded.warnings) log.warn(`policy: ${formatProblem(w)}`);
    if (loaded.builtin) log.warn('no policy: section: successful 802.1X and PAP logins are allowed, MAB is refused (see config.example.yaml)');
    log.info({ version: policy.version, rules: policy.rules.length, source: policy.source }, 'policy loaded');
  };
  logPolicy();
  const watchedFiles = () => [config.file, ...(config.policy && config.policy.file !== config.file ? [config.policy.file] : [])];
  let watcher = options.watch === false ? undefined : watchFiles(watchedFiles(), () => {
    log.info('configuration or policy file changed on disk: reloading');
    self.reload();
  }, log);

  if (config.clients.length === 0) log.warn('no clients configured: every packet will be dropped (add access points and switches under clients:)');
  log.info({
    auth: authSockets.map(formatAddress), acct: acctSockets.map(formatAddress),
    clients: config.clients.length, dictionaryAttributes: dict.attributeCount, store: config.store.path,
  }, 'portcullis listening');

  const self: RunningServer = {
    config: () => config,
    policy: () => policy,
    dictionary: () => dict,
    auth, acct, authSockets, acctSockets, db,
    flushAuthLog: () => authLog.flush(),
    posture: () => posture,
    reauthorizer,
    coa,
    push: () => push,
    reload() {
      try {
        const next = loadConfig(configFile);
        const nextDict = loadDictionaries([BUILTIN_DICTIONARIES, ...next.dictionaries]);
        const nextLoaded = loadPolicy(next, nextDict);
        const nextEap = options.eap?.update(next, nextDict);
        const listenChanged = JSON.stringify([next.auth, next.store.path]) !== JSON.stringify([config.auth, config.store.path]);
        const postureChanged = !samePosture(config, next);
        // Before `config = next`: a push change alone (a new webhook password, say) restarts the receiver.
        const pushChanged = postureChanged || !sameSettings(next.push, config.push);
        const coaChanged = !sameSettings(next.coa, config.coa);
        const levelChanged = next.log.level !== config.log.level;
        config = next;
        if (levelChanged) {
          setLogLevel(log, next.log.level);
          log.info(`log level changed to ${next.log.level}`);
        }
        dict = nextDict;
        clients = new ClientTable(next.clients);
        eap = nextEap;
        const previousVersion = policy.version;
        const policyChanged = nextLoaded.policy.version !== previousVersion;
        loaded = nextLoaded;
        policy = nextLoaded.policy;
        if (policyChanged) {
          logPolicy();
          reconsiderSessions(previousVersion, policy.version, next.coa.onPolicyChange === 'reauthorize');
        }
        if (watcher && JSON.stringify(watcher.files) !== JSON.stringify(watchedFiles())) {
          watcher.close();
          watcher = watchFiles(watchedFiles(), () => self.reload(), log);
        }
        if (coaChanged) {
          coa.configure(next.coa);
          log.info({ coa: next.coa }, 'CoA sending settings applied');
        }
        if (postureChanged) {
          posture?.close();
          posture = startPosture(next, db, log, onPostureChange);
        } else {
          // `portcullis jamf sync` (another process) may have written a newer snapshot: take it, with its events.
          void posture?.reloadFromStore().catch((err) => log.error({ err }, 'posture snapshot NOT re-read'));
        }
        if (pushChanged) {
          const old = push;
          push = undefined;
          // The listener may keep its port: the old one closes before the new one binds.
          void (async () => {
            await old?.close();
            push = await startPush(next, posture);
          })().catch((err) => log.error({ err }, 'push receiver NOT restarted after the reload'));
        }
        if (listenChanged) log.warn('listen addresses, duplicate window or store path changed: they take effect after a restart');
        log.info({ clients: next.clients.length }, 'configuration reloaded');
        return undefined;
      } catch (err) {
        log.error({ problems: err instanceof ConfigError ? err.problems : undefined, err: err instanceof ConfigError ? undefined : err },
          `configuration NOT reloaded, the running one stays in force:\n${(err as Error).message}`);
        return err as Error;
      }
    },
    async stop() {
      clearInterval(pruneTimer);
      clearInterval(expireTimer);
      watcher?.close();
      reauthorizer.close();
      await push?.close();
      await coa.close();
      posture?.close();
      options.eap?.close();
      await Promise.all([...authSockets, ...acctSockets].map((s) => new Promise<void>((r) => s.socket.close(() => r()))));
      writer.flush();
      authLog.flush();
      logDb.close();
      db.close();
    },
  };
  return self;
}
