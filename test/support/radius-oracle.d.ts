// Types for the untyped npm `radius` package (1.1.4), used only as a test oracle in test/radius/cross-check.test.ts.
// Only the calls the tests make are declared.
declare module 'radius' {
  /** [name or number, value] or, for has_tag attributes, [name, tag, value]; VSAs: ['Vendor-Specific', vendorId, [...]]. */
  export type OracleAttribute = readonly [string | number, unknown] | readonly [string | number, unknown, unknown];

  export interface OracleDecoded {
    code: string;
    identifier: number;
    length: number;
    authenticator: Buffer;
    /** Values by attribute name: string, number, Date, Buffer, [tag, value], arrays for repeats; VSAs under "Vendor-Specific". */
    attributes: Record<string, unknown>;
    raw_attributes: [number, Buffer][];
  }

  export interface OracleEncodeArgs {
    code: string;
    secret: string;
    identifier?: number;
    authenticator?: Buffer;
    attributes?: OracleAttribute[];
    add_message_authenticator?: boolean;
  }

  interface Radius {
    add_dictionary(path: string): void;
    encode(args: OracleEncodeArgs): Buffer;
    encode_response(args: { packet: OracleDecoded; code: string; secret: string; attributes?: OracleAttribute[] }): Buffer;
    decode(args: { packet: Buffer; secret: string }): OracleDecoded;
    decode_without_secret(args: { packet: Buffer }): OracleDecoded;
    verify_response(args: { request: Buffer; response: Buffer; secret: string }): boolean;
  }

  const radius: Radius;
  export default radius;
}
