/**
 * The authenticator side of EAP-MSCHAPv2 (draft-kamath-pppext-eap-mschapv2, RFC 2759) as an inner
 * method: Challenge → peer Response → Success request (S=…) or Failure request (E=691) → the
 * peer's Success/Failure acknowledgement. Works on EAP Type-Data; the tunnel around it (PEAP,
 * TTLS) carries the EAP header. Synchronous and without I/O: the user was looked up before.
 *
 * An unknown user or one without an NT hash still gets a Challenge, and a Failure request only
 * after its Response, so a peer cannot tell unknown users from wrong passwords.
 */
import { randomBytes, randomInt } from 'node:crypto';
import { MSCHAPV2_CHALLENGE_LENGTH, stripNtDomain, verifyNtResponse } from '../../crypto/mschapv2.js';
import { ntHashFor, type InnerCredentials } from '../credentials.js';
import {
  MschapV2ErrorCode,
  MschapV2PacketError,
  decodeMschapV2Response,
  encodeChallengeRequest,
  encodeFailureRequest,
  encodeSuccessRequest,
} from './mschapv2-packet.js';

export const MSCHAPV2_SERVER_NAME = 'portcullis';

export type MschapV2Step =
  /** Send an EAP-MSCHAPv2 Request with this Type-Data. */
  | { kind: 'request'; typeData: Buffer }
  /** The peer acknowledged our Success request: the inner method succeeded. */
  | { kind: 'success' }
  /** The inner method failed (after the peer acknowledged our Failure request, or at once for garbage). */
  | { kind: 'failure'; reason: string };

type State = 'CHALLENGE_SENT' | 'SUCCESS_SENT' | 'FAILURE_SENT' | 'DONE';

export interface MschapV2ServerInit {
  /** The inner identity the peer gave (EAP-Response/Identity or User-Name). */
  identity: string;
  /** The user's credentials, undefined for an unknown user. */
  creds: InnerCredentials | undefined;
}

export class MschapV2Server {
  readonly #identity: string;
  readonly #creds: InnerCredentials | undefined;
  readonly #challenge = randomBytes(MSCHAPV2_CHALLENGE_LENGTH);
  readonly #mschapId = randomInt(256);
  #state: State = 'CHALLENGE_SENT';
  #failure = '';

  constructor(init: MschapV2ServerInit) {
    this.#identity = init.identity;
    this.#creds = init.creds;
  }

  /** Type-Data of the Challenge request. */
  challenge(): Buffer {
    return encodeChallengeRequest({ mschapId: this.#mschapId, challenge: this.#challenge, name: MSCHAPV2_SERVER_NAME });
  }

  /** Handles the Type-Data of one EAP-MSCHAPv2 Response. */
  handle(typeData: Buffer): MschapV2Step {
    let packet;
    try {
      packet = decodeMschapV2Response(typeData);
    } catch (err) {
      if (err instanceof MschapV2PacketError) return this.#end(`malformed MSCHAPv2 response: ${err.message}`);
      throw err;
    }
    switch (this.#state) {
      case 'CHALLENGE_SENT':
        if (packet.kind !== 'response') return this.#end(`expected an MSCHAPv2 Response, got ${packet.kind}`);
        if (packet.mschapId !== this.#mschapId) return this.#end('MSCHAPv2 Response has the wrong MS-CHAPv2-ID');
        return this.#verify(packet.name, packet.peerChallenge, packet.ntResponse);
      case 'SUCCESS_SENT':
        if (packet.kind === 'success') {
          this.#state = 'DONE';
          return { kind: 'success' };
        }
        return this.#end('peer did not accept the server\'s MSCHAPv2 authenticator response');
      case 'FAILURE_SENT':
        // The peer acknowledges with a Failure response; anything else ends it the same way.
        return this.#end(this.#failure);
      case 'DONE':
        return { kind: 'failure', reason: 'MSCHAPv2 exchange already finished' };
    }
  }

  #verify(name: string, peerChallenge: Buffer, ntResponse: Buffer): MschapV2Step {
    if (!this.#creds) return this.#sendFailure('unknown user');
    // RFC 2759 hashes the Name the peer sent; it must be the user whose hash we check (hostapd too).
    if (stripNtDomain(name).toLowerCase() !== stripNtDomain(this.#identity).toLowerCase()) {
      return this.#sendFailure(`MSCHAPv2 name ${JSON.stringify(name)} does not match the inner identity`);
    }
    const hash = ntHashFor(this.#creds);
    if (!hash.ok) return this.#sendFailure(hash.reason);
    const verdict = verifyNtResponse({ ntHash: hash.ntHash, authenticatorChallenge: this.#challenge, peerChallenge, userName: name, ntResponse });
    if (!verdict.ok) return this.#sendFailure('wrong password');
    this.#state = 'SUCCESS_SENT';
    return {
      kind: 'request',
      typeData: encodeSuccessRequest({ mschapId: this.#mschapId, authenticatorResponse: verdict.authenticatorResponse }),
    };
  }

  /** RFC 2759 §6: E=691 (authentication failure), no retry. The reason stays on our side. */
  #sendFailure(reason: string): MschapV2Step {
    this.#state = 'FAILURE_SENT';
    this.#failure = reason;
    return {
      kind: 'request',
      typeData: encodeFailureRequest({ mschapId: this.#mschapId, error: MschapV2ErrorCode.AuthenticationFailure, retry: false, challenge: this.#challenge }),
    };
  }

  #end(reason: string): MschapV2Step {
    this.#state = 'DONE';
    return { kind: 'failure', reason };
  }
}
