/** RADIUS packet codes (RFC 2865, 2866, 5176, 5997). */
export const PacketCode = {
  AccessRequest: 1,
  AccessAccept: 2,
  AccessReject: 3,
  AccountingRequest: 4,
  AccountingResponse: 5,
  AccessChallenge: 11,
  StatusServer: 12,
  StatusClient: 13,
  DisconnectRequest: 40,
  DisconnectAck: 41,
  DisconnectNak: 42,
  CoaRequest: 43,
  CoaAck: 44,
  CoaNak: 45,
} as const;
export type PacketCodeValue = (typeof PacketCode)[keyof typeof PacketCode];

const names: Record<number, string> = {
  1: 'Access-Request',
  2: 'Access-Accept',
  3: 'Access-Reject',
  4: 'Accounting-Request',
  5: 'Accounting-Response',
  11: 'Access-Challenge',
  12: 'Status-Server',
  13: 'Status-Client',
  40: 'Disconnect-Request',
  41: 'Disconnect-ACK',
  42: 'Disconnect-NAK',
  43: 'CoA-Request',
  44: 'CoA-ACK',
  45: 'CoA-NAK',
};

/** FreeRADIUS-style name of a code, e.g. "Access-Request"; unknown codes as "Code-N". */
export function codeName(code: number): string {
  return names[code] ?? `Code-${code}`;
}

export function isKnownCode(code: number): boolean {
  return code in names;
}

/** Requests whose Request Authenticator is MD5 over a zeroed authenticator field (RFC 2866 §3, RFC 5176 §2.3). */
export function hasZeroedRequestAuthenticator(code: number): boolean {
  return code === PacketCode.AccountingRequest || code === PacketCode.DisconnectRequest || code === PacketCode.CoaRequest;
}

/** Replies whose Response Authenticator covers the request's authenticator. */
export function isResponseCode(code: number): boolean {
  return (
    code === PacketCode.AccessAccept ||
    code === PacketCode.AccessReject ||
    code === PacketCode.AccessChallenge ||
    code === PacketCode.AccountingResponse ||
    code === PacketCode.DisconnectAck ||
    code === PacketCode.DisconnectNak ||
    code === PacketCode.CoaAck ||
    code === PacketCode.CoaNak
  );
}
