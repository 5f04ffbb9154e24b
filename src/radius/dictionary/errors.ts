/** A dictionary line that cannot be accepted: printed as "file:line: reason" so the admin can fix it. */
export class DictionaryError extends Error {
  readonly code = 'ERR_DICTIONARY_PARSE';
  constructor(
    readonly file: string,
    readonly line: number,
    readonly reason: string,
  ) {
    super(`${file}:${line}: ${reason}`);
    this.name = 'DictionaryError';
  }
}
