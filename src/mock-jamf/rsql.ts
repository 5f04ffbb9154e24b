// RSQL filters as Jamf documents them: ==, !=, <, <=, >, >= (and =lt= =le= =gt= =ge=), =in=(…),
// =out=(…), * wildcards, clauses joined with `and` / `or` (also `;` / `,`), parentheses. Matching is
// case-insensitive. Fields outside the endpoint's allow-list are an error, as on a real server.

export type FieldValue = string | number | boolean | null;
/** A field accessor; a list means "any of these" (e.g. the groups a device is in). */
export type FieldMap<T> = Readonly<Record<string, (item: T) => FieldValue | readonly FieldValue[]>>;

export class RsqlError extends Error {
  constructor(message: string, readonly field = 'filter') {
    super(message);
  }
}

type Node =
  | { op: 'and' | 'or'; left: Node; right: Node }
  | { op: 'cmp'; field: string; comparator: string; args: string[] };

const COMPARATORS: Record<string, string> = {
  '==': '==', '!=': '!=', '<': '<', '=lt=': '<', '<=': '<=', '=le=': '<=', '>': '>', '=gt=': '>', '>=': '>=', '=ge=': '>=',
  '=in=': 'in', '=out=': 'out',
};

class Parser {
  #pos = 0;
  constructor(readonly text: string) {}

  parse(): Node {
    const node = this.#or();
    this.#space();
    if (this.#pos < this.text.length) throw new RsqlError(`unexpected "${this.text.slice(this.#pos)}" in filter`);
    return node;
  }

  #space(): void {
    while (this.#pos < this.text.length && /\s/.test(this.text[this.#pos])) this.#pos++;
  }

  #keyword(word: string, symbol: string): boolean {
    this.#space();
    if (this.text[this.#pos] === symbol) {
      this.#pos++;
      return true;
    }
    const re = new RegExp(`^${word}(?=[\\s(])`, 'i');
    if (re.test(this.text.slice(this.#pos))) {
      this.#pos += word.length;
      return true;
    }
    return false;
  }

  #or(): Node {
    let left = this.#and();
    while (this.#keyword('or', ',')) left = { op: 'or', left, right: this.#and() };
    return left;
  }

  #and(): Node {
    let left = this.#primary();
    while (this.#keyword('and', ';')) left = { op: 'and', left, right: this.#primary() };
    return left;
  }

  #primary(): Node {
    this.#space();
    if (this.text[this.#pos] === '(') {
      this.#pos++;
      const inner = this.#or();
      this.#space();
      if (this.text[this.#pos] !== ')') throw new RsqlError('missing ")" in filter');
      this.#pos++;
      return inner;
    }
    const field = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(this.text.slice(this.#pos))?.[0];
    if (!field) throw new RsqlError(`expected a field name at "${this.text.slice(this.#pos)}"`);
    this.#pos += field.length;
    this.#space();
    const op = /^(=[a-z]+=|==|!=|<=|>=|<|>)/i.exec(this.text.slice(this.#pos))?.[0];
    const comparator = op ? COMPARATORS[op.toLowerCase()] : undefined;
    if (!op || !comparator) throw new RsqlError(`unknown comparison after "${field}"`);
    this.#pos += op.length;
    this.#space();
    const args = this.text[this.#pos] === '(' ? this.#list() : [this.#value()];
    if ((comparator === 'in' || comparator === 'out') && this.text[this.#pos - 1] !== ')') {
      throw new RsqlError(`${op} needs a list in parentheses`);
    }
    return { op: 'cmp', field, comparator, args };
  }

  #list(): string[] {
    this.#pos++; // (
    const values: string[] = [];
    for (;;) {
      this.#space();
      values.push(this.#value());
      this.#space();
      const c = this.text[this.#pos++];
      if (c === ')') return values;
      if (c !== ',') throw new RsqlError('expected "," or ")" in value list');
    }
  }

  #value(): string {
    const quote = this.text[this.#pos];
    if (quote === '"' || quote === "'") {
      let out = '';
      for (let i = this.#pos + 1; i < this.text.length; i++) {
        const c = this.text[i];
        if (c === '\\' && i + 1 < this.text.length) out += this.text[++i];
        else if (c === quote) {
          this.#pos = i + 1;
          return out;
        } else out += c;
      }
      throw new RsqlError('unterminated quoted value in filter');
    }
    const m = /^[^\s()'",;]+/.exec(this.text.slice(this.#pos));
    if (!m) throw new RsqlError(`expected a value at "${this.text.slice(this.#pos)}"`);
    this.#pos += m[0].length;
    return m[0];
  }
}

function globToRegExp(pattern: string): RegExp {
  const body = pattern.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${body}$`, 'is');
}

function equals(value: FieldValue, arg: string): boolean {
  if (value === null) return arg.toLowerCase() === 'null';
  if (typeof value === 'boolean') return String(value) === arg.toLowerCase();
  if (typeof value === 'number') return arg.trim() !== '' && Number(arg) === value;
  return arg.includes('*') ? globToRegExp(arg).test(value) : value.toLowerCase() === arg.toLowerCase();
}

function order(value: FieldValue, arg: string): number {
  if (typeof value === 'number') return value - Number(arg);
  const a = String(value).toLowerCase();
  const b = arg.toLowerCase();
  return a < b ? -1 : a > b ? 1 : 0;
}

function anyOf(value: FieldValue | readonly FieldValue[], test: (v: FieldValue) => boolean): boolean {
  return Array.isArray(value) ? value.some(test) : test(value as FieldValue);
}

function compile<T>(node: Node, fields: FieldMap<T>): (item: T) => boolean {
  if (node.op !== 'cmp') {
    const l = compile(node.left, fields);
    const r = compile(node.right, fields);
    return node.op === 'and' ? (x) => l(x) && r(x) : (x) => l(x) || r(x);
  }
  const get = fields[node.field];
  if (!get) throw new RsqlError(`Filtering on field "${node.field}" is not allowed`, node.field);
  const [arg] = node.args;
  const ordered = (keep: (c: number) => boolean) => (x: T) => anyOf(get(x), (v) => v !== null && keep(order(v, arg)));
  switch (node.comparator) {
    case '==': return (x) => anyOf(get(x), (v) => equals(v, arg));
    case '!=': return (x) => !anyOf(get(x), (v) => equals(v, arg));
    case 'in': return (x) => anyOf(get(x), (v) => node.args.some((a) => equals(v, a)));
    case 'out': return (x) => !anyOf(get(x), (v) => node.args.some((a) => equals(v, a)));
    case '<': return ordered((c) => c < 0);
    case '<=': return ordered((c) => c <= 0);
    case '>': return ordered((c) => c > 0);
    default: return ordered((c) => c >= 0);
  }
}

/** Compiles a filter into a predicate; an empty filter matches everything. Throws RsqlError. */
export function compileFilter<T>(text: string | null | undefined, fields: FieldMap<T>): (item: T) => boolean {
  if (text === null || text === undefined || text.trim() === '') return () => true;
  return compile(new Parser(text).parse(), fields);
}
