/**
 * MSK / EMSK / Session-Id for the EAP-TLS family.
 * TLS 1.2 (RFC 5216 §2.3): PRF(master, label, client.random‖server.random), 128 octets;
 *   Session-Id = Type‖client.random‖server.random.
 * TLS 1.3 (RFC 9190 §2.3): TLS-Exporter("EXPORTER_EAP_TLS_Key_Material", Type, 128);
 *   Method-Id = TLS-Exporter("EXPORTER_EAP_TLS_Method-Id", Type, 64); Session-Id = Type‖Method-Id.
 * Always export 128 octets: 1.3 mixes the length into HKDF, so 64 would not be a prefix.
 */
import type { TlsTunnel } from './tls-channel.js';

export const KEY_MATERIAL_LENGTH = 128;
export const MSK_LENGTH = 64;
const METHOD_ID_LENGTH = 64;

export interface TlsKeyLabels {
  /** EAP Type code (0x0D EAP-TLS, 0x15 TTLS, 0x19 PEAP): 1.3 exporter context and Session-Id prefix. */
  typeCode: number;
  /** TLS 1.2 PRF label ("client EAP encryption" for EAP-TLS and PEAP, "ttls keying material" for TTLS). */
  tls12Label: string;
}

export const EAP_TLS_KEY_LABELS: TlsKeyLabels = { typeCode: 0x0d, tls12Label: 'client EAP encryption' };

export interface EapTlsKeys {
  msk: Buffer;
  emsk: Buffer;
  sessionId?: Buffer;
}

export function deriveTlsKeys(tunnel: TlsTunnel, labels: TlsKeyLabels): EapTlsKeys {
  const type = Buffer.from([labels.typeCode]);
  const tls13 = tunnel.protocol === 'TLSv1.3';
  const material = tls13
    ? tunnel.exportKeyingMaterial(KEY_MATERIAL_LENGTH, 'EXPORTER_EAP_TLS_Key_Material', type)
    : tunnel.exportKeyingMaterial(KEY_MATERIAL_LENGTH, labels.tls12Label);
  const keys: EapTlsKeys = {
    msk: Buffer.from(material.subarray(0, MSK_LENGTH)),
    emsk: Buffer.from(material.subarray(MSK_LENGTH, KEY_MATERIAL_LENGTH)),
  };
  material.fill(0);
  if (tls13) {
    const methodId = tunnel.exportKeyingMaterial(METHOD_ID_LENGTH, 'EXPORTER_EAP_TLS_Method-Id', type);
    keys.sessionId = Buffer.concat([type, methodId]);
  } else if (tunnel.clientRandom && tunnel.serverRandom) {
    keys.sessionId = Buffer.concat([type, tunnel.clientRandom, tunnel.serverRandom]);
  }
  return keys;
}
