// The Classic API answers XML unless it honours `Accept: application/json`. This turns Classic XML into the
// shape of Classic JSON, so one set of schemas reads both: lists lose their wrapper and <size>
// (`<computers><size>1</size><computer>…` → `computers: [{…}]`), leaf values stay strings.

interface XmlElement {
  name: string;
  children: XmlElement[];
  text: string;
}

/** Containers that are lists in Classic JSON even when they hold one item or none. */
const LIST_CONTAINERS = new Set([
  'computers', 'mobile_devices', 'criteria', 'computer_groups', 'mobile_device_groups', 'computer_group_memberships',
  'site_memberships', 'webhooks', 'display_fields', 'users', 'groups',
]);

const MAX_DEPTH = 64;

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, e: string) => {
    const lower = e.toLowerCase();
    if (lower === 'amp') return '&';
    if (lower === 'lt') return '<';
    if (lower === 'gt') return '>';
    if (lower === 'quot') return '"';
    if (lower === 'apos') return "'";
    return String.fromCodePoint(lower.startsWith('#x') ? parseInt(lower.slice(2), 16) : parseInt(lower.slice(1), 10));
  });
}

class XmlReader {
  #pos = 0;
  constructor(private readonly src: string) {}

  fail(reason: string): never {
    throw new SyntaxError(`XML: ${reason} at offset ${this.#pos}`);
  }

  /** Skips the prolog, comments, processing instructions and DOCTYPE. */
  skipMisc(): void {
    for (;;) {
      while (/\s/.test(this.src[this.#pos] ?? '')) this.#pos++;
      const rest = this.src.startsWith.bind(this.src);
      if (rest('<?', this.#pos)) this.#skipPast('?>');
      else if (rest('<!--', this.#pos)) this.#skipPast('-->');
      else if (rest('<!DOCTYPE', this.#pos) || rest('<!doctype', this.#pos)) this.#skipPast('>');
      else return;
    }
  }

  #skipPast(end: string): void {
    const i = this.src.indexOf(end, this.#pos);
    if (i < 0) this.fail(`missing "${end}"`);
    this.#pos = i + end.length;
  }

  element(depth: number): XmlElement {
    if (depth > MAX_DEPTH) this.fail('nesting too deep');
    const open = /^<([A-Za-z_][\w.-]*)((?:\s+[^\s=>/]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>/.exec(this.src.slice(this.#pos, this.#pos + 4096));
    if (!open) this.fail('expected an element');
    this.#pos += open[0].length;
    const el: XmlElement = { name: open[1], children: [], text: '' };
    if (open[3] === '/') return el;
    for (;;) {
      const lt = this.src.indexOf('<', this.#pos);
      if (lt < 0) this.fail(`unclosed <${el.name}>`);
      el.text += decodeEntities(this.src.slice(this.#pos, lt));
      this.#pos = lt;
      if (this.src.startsWith(`</${el.name}`, lt)) {
        this.#skipPast('>');
        return el;
      }
      if (this.src.startsWith('<![CDATA[', lt)) {
        const end = this.src.indexOf(']]>', lt);
        if (end < 0) this.fail('unclosed CDATA');
        el.text += this.src.slice(lt + 9, end);
        this.#pos = end + 3;
      } else if (this.src.startsWith('<!--', lt)) this.#skipPast('-->');
      else if (this.src.startsWith('</', lt)) this.fail(`mismatched closing tag inside <${el.name}>`);
      else el.children.push(this.element(depth + 1));
    }
  }
}

type ClassicValue = string | ClassicValue[] | { [key: string]: ClassicValue };

function convert(el: XmlElement): ClassicValue {
  const items = el.children.filter((c) => c.name !== 'size');
  const isList = LIST_CONTAINERS.has(el.name) || el.children.some((c) => c.name === 'size');
  if (isList) return items.map(convert);
  if (el.children.length === 0) return el.text.trim();
  const out: Record<string, ClassicValue> = {};
  for (const child of el.children) {
    const v = convert(child);
    const prev = out[child.name];
    // A repeated element outside a known list still becomes an array rather than losing items.
    if (prev === undefined) out[child.name] = v;
    else if (Array.isArray(prev) && !LIST_CONTAINERS.has(child.name)) prev.push(v);
    else out[child.name] = [prev, v];
  }
  return out;
}

/** Classic XML text → the equivalent Classic JSON value ({root: …}). Throws SyntaxError on malformed XML. */
export function classicXmlToJson(xml: string): Record<string, ClassicValue> {
  const reader = new XmlReader(xml);
  reader.skipMisc();
  const root = reader.element(0);
  reader.skipMisc();
  return { [root.name]: convert(root) };
}

/** True when a body looks like XML rather than JSON or an HTML error page. */
export function looksLikeXml(body: string): boolean {
  const t = body.trimStart();
  return t.startsWith('<') && !/^<(!doctype html|html)/i.test(t);
}
