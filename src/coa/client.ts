import type { Logger } from 'pino';
import type { RawAttribute } from '../radius/codec/packet.js';
import type { Dictionary } from '../radius/dictionary/dictionary.js';
import { ErrorCause } from './error-cause.js';
import { CoaRequestCode, encodeCoaRequest, type CoaRequestCodeValue } from './messages.js';
import { profileFor, type VendorProfile } from './profiles.js';
import { changeAttributes, hasSessionIdentifier, identificationAttributes } from './request-attributes.js';
import { CoaTransport, type TransportOptions } from './transport.js';
import type { CoaAction, CoaActionResult, CoaAttribute, CoaMessage, CoaNas, CoaOutcome, CoaSession } from './types.js';

// The actions the policy layer (and the CLI) call: disconnect, reauthenticate, change authorization. Each picks
// the messages from the NAS's vendor profile, sends them through one shared, paced transport, and says what was
// sent and how the NAS answered.

export interface CoaClientOptions {
  /** For vendor attributes (Cisco-AVPair, Aruba-User-Role, ...). */
  dictionary: Dictionary;
  timeoutMs?: number;
  retries?: number;
  perSecond?: number;
  burst?: number;
  maxQueue?: number;
  log?: Logger;
}

export const COA_DEFAULTS = { timeoutMs: 3000, retries: 2, perSecond: 50, maxQueue: 10_000 } as const;

/** The settings that can change while the server runs. */
export type SendSettings = Pick<CoaClientOptions, 'timeoutMs' | 'retries' | 'perSecond' | 'burst' | 'maxQueue'>;

function transportSettings(s: SendSettings): Omit<TransportOptions, 'log'> {
  return {
    timeoutMs: s.timeoutMs ?? COA_DEFAULTS.timeoutMs,
    retries: s.retries ?? COA_DEFAULTS.retries,
    perSecond: s.perSecond ?? COA_DEFAULTS.perSecond,
    burst: s.burst,
    maxQueue: s.maxQueue ?? COA_DEFAULTS.maxQueue,
  };
}

export interface ActionOptions {
  /** Overrides the profile's nakFallbackToDisconnect for this call. */
  fallbackToDisconnect?: boolean;
}

// A NAK with these causes would be answered the same way to a Disconnect: the session is gone, the NAS is not the
// one named, or the identifiers match several sessions. Falling back would only add a second NAK.
const NO_FALLBACK_CAUSES: ReadonlySet<number> = new Set([
  ErrorCause.NasIdentificationMismatch, ErrorCause.SessionContextNotFound, ErrorCause.MultipleSessionSelectionUnsupported,
]);

function formatTarget(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

export class CoaClient {
  readonly #dict: Dictionary;
  readonly #transport: CoaTransport;
  readonly #log: Logger | undefined;

  constructor(options: CoaClientOptions) {
    this.#dict = options.dictionary;
    this.#log = options.log;
    this.#transport = new CoaTransport({ ...transportSettings(options), log: options.log });
  }

  /** Applies new sending settings (a configuration reload); see CoaTransport.configure. */
  configure(settings: SendSettings): void {
    this.#transport.configure(transportSettings(settings));
  }

  /** Requests waiting to be sent (pacing, or all Identifiers of their NAS in use). */
  get queued(): number {
    return this.#transport.queued;
  }

  /** Disconnect-Request: ends the session; the device has to authenticate again. Works on every NAS. */
  disconnect(nas: CoaNas, session: CoaSession): Promise<CoaActionResult> {
    return this.#run('disconnect', nas, session, async (send) => [await send('disconnect')]);
  }

  /**
   * Makes the NAS re-authenticate the session, so it gets the current policy: the vendor's reauthenticate CoA, or a
   * Disconnect where the vendor has none. After a CoA-NAK, a Disconnect when the profile allows.
   */
  reauthenticate(nas: CoaNas, session: CoaSession, options: ActionOptions = {}): Promise<CoaActionResult> {
    const profile = profileFor(nas.vendor);
    return this.#run('reauthenticate', nas, session, (send) => this.#reauthSteps(profile, send, options));
  }

  /**
   * CoA-Request with new authorization attributes (VLAN, Filter-Id, role). On a NAS whose profile does not take
   * attribute CoA, reauthenticates instead (the new attributes then come in the Access-Accept); after a CoA-NAK,
   * a Disconnect when the profile allows. `sent` says which happened.
   */
  changeAuthorization(nas: CoaNas, session: CoaSession, attributes: readonly CoaAttribute[], options: ActionOptions = {}): Promise<CoaActionResult> {
    const profile = profileFor(nas.vendor);
    return this.#run('change-authorization', nas, session, async (send) => {
      if (!profile.attributeCoa) return this.#reauthSteps(profile, send, options);
      let changes: RawAttribute[];
      try {
        changes = changeAttributes(this.#dict, attributes);
      } catch (err) {
        return [{ message: 'coa-attributes', outcome: { kind: 'error', attempts: 0, ms: 0, error: (err as Error).message } }];
      }
      const first = await send('coa-attributes', changes);
      return this.#withFallback(profile, send, first, options);
    });
  }

  close(): Promise<void> {
    return this.#transport.close();
  }

  async #reauthSteps(profile: VendorProfile, send: Sender, options: ActionOptions): Promise<Step[]> {
    const method = profile.reauthenticate;
    if (method.kind === 'disconnect') return [await send('disconnect')];
    const first = await send('coa-reauthenticate', changeAttributes(this.#dict, method.attributes));
    return this.#withFallback(profile, send, first, options);
  }

  async #withFallback(profile: VendorProfile, send: Sender, first: Step, options: ActionOptions): Promise<Step[]> {
    const allowed = options.fallbackToDisconnect ?? profile.nakFallbackToDisconnect;
    const cause = first.outcome.errorCause;
    if (first.outcome.kind !== 'nak' || !allowed || (cause !== undefined && NO_FALLBACK_CAUSES.has(cause))) return [first];
    return [first, await send('disconnect')];
  }

  async #run(action: CoaAction, nas: CoaNas, session: CoaSession, body: (send: Sender) => Promise<Step[]>): Promise<CoaActionResult> {
    const profile = profileFor(nas.vendor);
    const address = session.nasIp;
    const target = formatTarget(address, nas.coaPort);
    const identification = identificationAttributes(profile, session);
    const secret = nas.coaSecret.reveal();
    const send: Sender = async (message, changes = []) => {
      if (!hasSessionIdentifier(identification)) {
        return { message, outcome: { kind: 'error', attempts: 0, ms: 0, error: `no session identifier for a ${nas.vendor} NAS (need one of ${profile.sessionIdentifiers.join(', ')})` } };
      }
      const code: CoaRequestCodeValue = message === 'disconnect' ? CoaRequestCode.Disconnect : CoaRequestCode.Coa;
      const outcome = await this.#transport.send({
        address, port: nas.coaPort, secret,
        build: (identifier) => encodeCoaRequest({
          code, identifier, attributes: [...identification, ...changes], eventTimestamp: Math.floor(Date.now() / 1000),
        }, secret),
      });
      return { message, outcome };
    };
    let steps: Step[];
    try {
      steps = await body(send);
    } catch (err) {
      steps = [{ message: action === 'disconnect' ? 'disconnect' : 'coa-reauthenticate', outcome: { kind: 'error', attempts: 0, ms: 0, error: (err as Error).message } }];
    }
    const last = steps[steps.length - 1];
    const result: CoaActionResult = { ...last.outcome, action, sent: last.message, steps, target };
    this.#logResult(nas, session, result);
    return result;
  }

  #logResult(nas: CoaNas, session: CoaSession, r: CoaActionResult): void {
    if (!this.#log) return;
    const fields = {
      nas: nas.name, target: r.target, action: r.action, sent: r.steps.map((s) => s.message).join(' -> '),
      result: r.kind, errorCause: r.errorCauseText, attempts: r.attempts, ms: r.ms,
      session: session.acctSessionId, mac: session.mac ?? session.callingStationId,
      ...(r.steps.length > 1 ? { first: `${r.steps[0].outcome.kind}${r.steps[0].outcome.errorCauseText ? ` (${r.steps[0].outcome.errorCauseText})` : ''}` } : {}),
      ...(r.error ? { error: r.error } : {}),
    };
    if (r.kind === 'ack') this.#log.info(fields, `CoA ${r.action}: ACK`);
    else this.#log.warn(fields, `CoA ${r.action}: ${r.kind.toUpperCase()}${r.errorCauseText ? ` ${r.errorCauseText}` : ''}`);
  }
}

interface Step {
  message: CoaMessage;
  outcome: CoaOutcome;
}
type Sender = (message: CoaMessage, changes?: RawAttribute[]) => Promise<Step>;
