import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { DATA_TYPES, type DataType } from '../codec/values.js';
import { Dictionary, type Encryption } from './dictionary.js';
import { DictionaryError } from './errors.js';

// FreeRADIUS dictionary format: ATTRIBUTE, VALUE, VENDOR, BEGIN-VENDOR/END-VENDOR, $INCLUDE.
// Every refused line is a DictionaryError naming the file and line.

interface ParseState {
  dict: Dictionary;
  /** The open BEGIN-VENDOR block and its line; a block lives within one file, as in FreeRADIUS. */
  vendor: { id: number; name: string; line: number } | undefined;
  includeStack: string[];
  /** VALUE lines may precede their ATTRIBUTE in another file: resolved at the end. */
  pendingValues: { attr: string; name: string; value: number; file: string; line: number }[];
}

function parseNumber(text: string, file: string, line: number, what: string): number {
  const n = /^0x[0-9a-f]+$/i.test(text) ? parseInt(text, 16) : /^\d+$/.test(text) ? parseInt(text, 10) : NaN;
  if (!Number.isSafeInteger(n)) throw new DictionaryError(file, line, `${what} "${text}" is not a number`);
  return n;
}

function parseType(text: string, file: string, line: number): { dataType: DataType; maxLength?: number } {
  const m = text.match(/^([a-z0-9]+)(?:\[(\d+)\])?$/);
  if (!m || !(DATA_TYPES as readonly string[]).includes(m[1])) {
    throw new DictionaryError(file, line, `unknown data type "${text}" (known: ${DATA_TYPES.join(', ')})`);
  }
  if (m[2] && m[1] !== 'octets' && m[1] !== 'string') throw new DictionaryError(file, line, `a length is only allowed on octets/string`);
  return { dataType: m[1] as DataType, maxLength: m[2] ? Number(m[2]) : undefined };
}

function parseFlags(text: string | undefined, file: string, line: number): { hasTag: boolean; encrypt: Encryption; concat: boolean } {
  const flags = { hasTag: false, encrypt: 0 as Encryption, concat: false };
  if (!text) return flags;
  for (const flag of text.split(',')) {
    if (flag === 'has_tag') flags.hasTag = true;
    else if (flag === 'concat') flags.concat = true;
    else if (flag === 'encrypt=0') flags.encrypt = 0;
    else if (flag === 'encrypt=1') flags.encrypt = 1;
    else if (flag === 'encrypt=2') flags.encrypt = 2;
    else throw new DictionaryError(file, line, `unknown flag "${flag}" (known: has_tag, concat, encrypt=1, encrypt=2)`);
  }
  return flags;
}

function parseLine(tokens: string[], file: string, line: number, st: ParseState): void {
  const [keyword] = tokens;
  switch (keyword) {
    case '$INCLUDE': {
      if (tokens.length !== 2) throw new DictionaryError(file, line, '$INCLUDE needs exactly one file name');
      parseFile(resolve(dirname(file), tokens[1]), st, { file, line });
      return;
    }
    case 'VENDOR': {
      if (tokens.length < 3 || tokens.length > 4) throw new DictionaryError(file, line, 'VENDOR needs a name and a number');
      if (tokens[3] && tokens[3] !== 'format=1,1') throw new DictionaryError(file, line, `unsupported vendor format "${tokens[3]}" (only format=1,1)`);
      const id = parseNumber(tokens[2], file, line, 'vendor number');
      const clash = st.dict.addVendor({ name: tokens[1], id });
      if (clash) throw new DictionaryError(file, line, `vendor ${tokens[1]} ${id} clashes with vendor ${clash.name} ${clash.id}`);
      return;
    }
    case 'BEGIN-VENDOR': {
      if (tokens.length !== 2) throw new DictionaryError(file, line, 'BEGIN-VENDOR needs a vendor name');
      if (st.vendor) throw new DictionaryError(file, line, `BEGIN-VENDOR ${tokens[1]} inside BEGIN-VENDOR ${st.vendor.name}`);
      const v = st.dict.vendor(tokens[1]);
      if (!v) throw new DictionaryError(file, line, `unknown vendor "${tokens[1]}" (define it with VENDOR first)`);
      st.vendor = { id: v.id, name: v.name, line };
      return;
    }
    case 'END-VENDOR': {
      if (!st.vendor || tokens[1]?.toLowerCase() !== st.vendor.name.toLowerCase()) {
        throw new DictionaryError(file, line, `END-VENDOR ${tokens[1] ?? ''} does not match an open BEGIN-VENDOR`);
      }
      st.vendor = undefined;
      return;
    }
    case 'ATTRIBUTE': {
      if (tokens.length < 4 || tokens.length > 5) throw new DictionaryError(file, line, 'ATTRIBUTE needs a name, a number and a type');
      const [, name, num, typeText, flagText] = tokens;
      const type = parseNumber(num, file, line, 'attribute number');
      if (type < 1 || type > 255) throw new DictionaryError(file, line, `attribute number ${type} outside 1..255`);
      const { dataType, maxLength } = parseType(typeText, file, line);
      const flags = parseFlags(flagText, file, line);
      const clash = st.dict.addAttribute({
        name, vendorId: st.vendor?.id ?? 0, type, dataType, maxLength, ...flags,
        values: new Map(), valueNames: new Map(), file, line,
      });
      if (clash) {
        throw new DictionaryError(file, line, `attribute ${name} (${st.vendor ? st.vendor.name + ' ' : ''}${type}) clashes with ${clash.name} defined at ${clash.file}:${clash.line}`);
      }
      return;
    }
    case 'VALUE': {
      if (tokens.length !== 4) throw new DictionaryError(file, line, 'VALUE needs an attribute name, a value name and a number');
      st.pendingValues.push({ attr: tokens[1], name: tokens[2], value: parseNumber(tokens[3], file, line, 'value'), file, line });
      return;
    }
    default:
      throw new DictionaryError(file, line, `unknown keyword "${keyword}"`);
  }
}

function parseText(text: string, file: string, st: ParseState): void {
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const content = lines[i].replace(/#.*$/, '').trim();
    if (!content) continue;
    parseLine(content.split(/\s+/), file, i + 1, st);
  }
  if (st.vendor) throw new DictionaryError(file, st.vendor.line, `BEGIN-VENDOR ${st.vendor.name} is never closed`);
}

function parseFile(path: string, st: ParseState, from?: { file: string; line: number }): void {
  if (st.includeStack.includes(path)) {
    throw new DictionaryError(from?.file ?? path, from?.line ?? 0, `recursive $INCLUDE of ${path}`);
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new DictionaryError(from?.file ?? path, from?.line ?? 0, `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? err}`);
  }
  const outerVendor = st.vendor;
  st.vendor = undefined;
  st.includeStack.push(path);
  parseText(text, path, st);
  st.includeStack.pop();
  st.vendor = outerVendor;
}

function resolveValues(st: ParseState): void {
  for (const v of st.pendingValues) {
    const def = st.dict.attribute(v.attr);
    if (!def) throw new DictionaryError(v.file, v.line, `VALUE for unknown attribute "${v.attr}"`);
    if (!['integer', 'byte', 'short', 'signed', 'integer64', 'date'].includes(def.dataType)) {
      throw new DictionaryError(v.file, v.line, `VALUE for ${def.name}, which is of type ${def.dataType}, not an integer type`);
    }
    def.values.set(v.name.toLowerCase(), v.value);
    if (!def.valueNames.has(v.value)) def.valueNames.set(v.value, v.name);
  }
}

/** Parses dictionary text (tests, and strings embedded elsewhere). */
export function parseDictionaryText(text: string, file = '<text>', into = new Dictionary()): Dictionary {
  const st: ParseState = { dict: into, vendor: undefined, includeStack: [], pendingValues: [] };
  parseText(text, file, st);
  resolveValues(st);
  return into;
}

/**
 * Loads every `dictionary.*` file of each folder, in name order, folders in the order given (so an admin's
 * folder listed after ours can add vendors). A broken line anywhere refuses the whole load.
 */
export function loadDictionaries(folders: readonly string[]): Dictionary {
  const st: ParseState = { dict: new Dictionary(), vendor: undefined, includeStack: [], pendingValues: [] };
  for (const folder of folders) {
    let names: string[];
    try {
      names = readdirSync(folder).filter((n) => n.startsWith('dictionary.') && !n.endsWith('~')).sort();
    } catch (err) {
      throw new DictionaryError(folder, 0, `cannot read dictionary folder: ${(err as NodeJS.ErrnoException).code ?? err}`);
    }
    for (const name of names) {
      const path = resolve(join(folder, name));
      if (statSync(path).isFile() && basename(path) !== 'dictionary.md') parseFile(path, st);
    }
  }
  resolveValues(st);
  return st.dict;
}
