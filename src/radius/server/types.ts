import type { NasClientConfig } from '../../config/load.js';
import type { RadiusPacket, RawAttribute } from '../codec/packet.js';

export interface RadiusRequest {
  readonly client: NasClientConfig;
  readonly packet: RadiusPacket;
  readonly source: { readonly address: string; readonly port: number };
  /** The client's shared secret bytes (for hiding and key encryption in the reply). */
  readonly secret: Buffer;
}

export interface RadiusReply {
  readonly code: number;
  readonly attributes: readonly RawAttribute[];
}

/** Produces the reply to a verified request; undefined = send nothing (e.g. accounting not recorded). */
export type RadiusHandler = (request: RadiusRequest) => RadiusReply | undefined | Promise<RadiusReply | undefined>;
