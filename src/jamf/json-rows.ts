// Splits a Jamf Pro API page ({"totalCount": n, "results": [ … ]}) into its rows while the body streams
// in, so each row is parsed and converted on its own and no page ever exists as one buffer, one string or
// one parsed object. The reasons are memory:
// - JSON.parse of a whole 2000-row inventory page (4 MB of text) allocates its ~15 MB of objects straight
//   into V8's old generation (V8 pretenures large inputs), where they stay until a full GC; a 100,000-device
//   sync then peaks at several times the size of the devices it keeps.
// - got buffers a body as one 4 MB allocation per page; glibc serves those from its heap after the first few
//   and never gives the holes back, which alone cost ~60 MB of RSS in a 100,000-device sync.
//
// The splitter only finds boundaries (strings, nesting); JSON.parse still checks each row and member.
// Multi-byte UTF-8 never contains bytes below 0x80, so matching quotes and brackets byte-wise is safe.

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;

/** What the splitter expects next at the structural level (outside any value it is capturing). */
const Expect = {
  memberOrEnd: 0,
  member: 1,
  colon: 2,
  value: 3,
  commaOrEnd: 4,
  rowOrEnd: 5,
  row: 6,
  rowCommaOrEnd: 7,
} as const;
type Expect = (typeof Expect)[keyof typeof Expect];

const Target = { name: 0, member: 1, row: 2 } as const;
type Target = (typeof Target)[keyof typeof Target];

const Kind = { string: 0, container: 1, scalar: 2 } as const;
type Kind = (typeof Kind)[keyof typeof Kind];

export type PageEnd =
  /** A JSON object: its members except the rows (parsed), and how many rows were handed out. */
  | { json: true; members: Map<string, unknown>; rows: number | undefined }
  /** Not a JSON object (XML, an HTML login page): the whole body, for the caller to report. */
  | { json: false; body: Buffer };

const isSpace = (b: number) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09;

export class PageSplitter {
  readonly #rowsKey: string;
  readonly #onRow: (row: Buffer, index: number) => void;
  #mode: 'start' | 'json' | 'other' | 'done' = 'start';
  #other: Buffer[] = [];
  #depth = 0;
  #expect: Expect = Expect.memberOrEnd;
  #inString = false;
  #escaped = false;
  /** Rows handed out; undefined until the rows member is seen. */
  #rows: number | undefined;
  #member = '';
  #members = new Map<string, unknown>();
  // The value being captured: its target, kind, the depth it started at, and its bytes in earlier chunks.
  #capturing = false;
  #target: Target = Target.name;
  #kind: Kind = Kind.scalar;
  #captureDepth = 0;
  #captureStart = 0;
  #pieces: Buffer[] = [];
  #offset = 0;

  constructor(onRow: (row: Buffer, index: number) => void, rowsKey = 'results') {
    this.#onRow = onRow;
    this.#rowsKey = rowsKey;
  }

  /** Starts over (a retried request sends the body again). */
  reset(): void {
    this.#mode = 'start';
    this.#other = [];
    this.#depth = 0;
    this.#expect = Expect.memberOrEnd;
    this.#inString = this.#escaped = this.#capturing = false;
    this.#rows = undefined;
    this.#members = new Map();
    this.#pieces = [];
    this.#offset = 0;
  }

  /** Feeds the next chunk; rows complete in it are handed out before this returns. Throws SyntaxError. */
  write(chunk: Buffer): void {
    if (this.#mode === 'other') {
      this.#other.push(chunk);
      return;
    }
    const n = chunk.length;
    let backslash = -1; // next backslash at or after i in this chunk (n: none), found lazily
    let i = 0;
    while (i < n) {
      if (this.#inString) {
        if (this.#escaped) {
          this.#escaped = false;
          i++;
          continue;
        }
        const quote = chunk.indexOf(QUOTE, i);
        if (backslash < i) {
          const at = chunk.indexOf(BACKSLASH, i);
          backslash = at < 0 ? n : at;
        }
        if (backslash < (quote < 0 ? n : quote)) {
          this.#escaped = true;
          i = backslash + 1;
          continue;
        }
        if (quote < 0) break; // the string goes on in the next chunk
        this.#inString = false;
        i = quote + 1;
        if (this.#capturing && this.#kind === Kind.string && this.#depth === this.#captureDepth) this.#endCapture(chunk, i);
        continue;
      }
      const b = chunk[i];
      if (this.#capturing) {
        if (this.#kind === Kind.container) {
          if (b === QUOTE) this.#inString = true;
          else if (b === LBRACE || b === LBRACKET) this.#depth++;
          else if ((b === RBRACE || b === RBRACKET) && --this.#depth === this.#captureDepth) this.#endCapture(chunk, i + 1);
          i++;
          continue;
        }
        // A scalar ends at the first delimiter, which is then read as structure below.
        if (isSpace(b) || b === COMMA || b === RBRACE || b === RBRACKET) this.#endCapture(chunk, i);
        else {
          i++;
          continue;
        }
      }
      if (!isSpace(b) && this.#structure(b, i) === 'not json') {
        this.#other.push(chunk);
        return;
      }
      i++;
    }
    if (this.#capturing) {
      this.#pieces.push(chunk.subarray(this.#captureStart));
      this.#captureStart = 0;
    }
    this.#offset += n;
  }

  /** The body is complete. Throws SyntaxError when the JSON stopped half-way. */
  end(): PageEnd {
    if (this.#mode === 'other' || this.#mode === 'start') return { json: false, body: Buffer.concat(this.#other) };
    if (this.#mode !== 'done' || this.#capturing || this.#inString) throw new SyntaxError(`the answer ended early (after ${this.#offset} bytes)`);
    return { json: true, members: this.#members, rows: this.#rows };
  }

  /** One structural byte outside any captured value. */
  #structure(b: number, i: number): 'not json' | undefined {
    const fail = (wanted: string) => new SyntaxError(`expected ${wanted} at byte ${this.#offset + i}`);
    if (this.#depth === 0) {
      if (this.#mode === 'done') throw fail('the end of the answer');
      if (b !== LBRACE) {
        this.#mode = 'other';
        return 'not json';
      }
      this.#mode = 'json';
      this.#depth = 1;
      this.#expect = Expect.memberOrEnd;
      return;
    }
    switch (this.#expect) {
      case Expect.memberOrEnd:
      case Expect.member:
        if (b === RBRACE && this.#expect === Expect.memberOrEnd) return void this.#close();
        if (b !== QUOTE) throw fail('a member name');
        this.#begin(Target.name, b, i);
        this.#expect = Expect.colon;
        return;
      case Expect.colon:
        if (b !== COLON) throw fail('":"');
        this.#expect = Expect.value;
        return;
      case Expect.value:
        if (this.#member === this.#rowsKey && b === LBRACKET) {
          this.#rows = 0;
          this.#depth = 2;
          this.#expect = Expect.rowOrEnd;
          return;
        }
        this.#begin(Target.member, b, i);
        this.#expect = Expect.commaOrEnd;
        return;
      case Expect.commaOrEnd:
        if (b === COMMA) this.#expect = Expect.member;
        else if (b === RBRACE) this.#close();
        else throw fail('"," or "}"');
        return;
      case Expect.rowOrEnd:
      case Expect.row:
        if (b === RBRACKET && this.#expect === Expect.rowOrEnd) return void this.#closeRows();
        this.#begin(Target.row, b, i);
        this.#expect = Expect.rowCommaOrEnd;
        return;
      case Expect.rowCommaOrEnd:
        if (b === COMMA) this.#expect = Expect.row;
        else if (b === RBRACKET) this.#closeRows();
        else throw fail('"," or "]"');
        return;
    }
  }

  #close(): void {
    this.#depth = 0;
    this.#mode = 'done';
  }

  #closeRows(): void {
    this.#depth = 1;
    this.#expect = Expect.commaOrEnd;
  }

  #begin(target: Target, b: number, i: number): void {
    if (b === RBRACE || b === RBRACKET || b === COMMA || b === COLON) throw new SyntaxError(`expected a value at byte ${this.#offset + i}`);
    this.#capturing = true;
    this.#target = target;
    this.#captureDepth = this.#depth;
    this.#captureStart = i;
    this.#pieces = [];
    if (b === QUOTE) {
      this.#kind = Kind.string;
      this.#inString = true;
    } else if (b === LBRACE || b === LBRACKET) {
      this.#kind = Kind.container;
      this.#depth++;
    } else {
      this.#kind = Kind.scalar;
    }
  }

  #endCapture(chunk: Buffer, end: number): void {
    this.#capturing = false;
    const last = chunk.subarray(this.#captureStart, end);
    const bytes = this.#pieces.length === 0 ? last : Buffer.concat([...this.#pieces, last]);
    this.#pieces = [];
    if (this.#target === Target.row) {
      const index = this.#rows ?? 0;
      this.#rows = index + 1;
      this.#onRow(bytes, index);
    } else {
      const value: unknown = JSON.parse(bytes.toString('utf8'));
      if (this.#target === Target.name) this.#member = value as string;
      else this.#members.set(this.#member, value);
    }
  }
}
