import { isMap, type Document, type LineCounter } from 'yaml';
import type { ZodIssue } from 'zod';

// Turning a zod path back into a file:line:column in the YAML the admin wrote (config and policy files).

export type YamlPath = (string | number)[];

export function formatPath(path: YamlPath): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
}

/** Finds the line of the deepest YAML node that exists along `path`. */
export function locate(doc: Document, lc: LineCounter, path: YamlPath): { line: number; column: number } {
  for (let n = path.length; n >= 0; n--) {
    const sub = path.slice(0, n);
    const node = (sub.length ? doc.getIn(sub, true) : doc.contents) as { range?: [number, number, number] } | undefined;
    if (node && node.range) {
      const pos = lc.linePos(node.range[0]);
      return { line: pos.line, column: pos.col };
    }
    if (sub.length && n === path.length) {
      // A key whose value is null/missing: point at the key itself.
      const parent = doc.getIn(sub.slice(0, -1), true);
      if (isMap(parent)) {
        const pair = parent.items.find((it) => (it.key as { value?: unknown })?.value === sub[sub.length - 1]);
        const keyNode = pair?.key as { range?: [number, number, number] } | undefined;
        if (keyNode?.range) {
          const pos = lc.linePos(keyNode.range[0]);
          return { line: pos.line, column: pos.col };
        }
      }
    }
  }
  return { line: 0, column: 0 };
}

/** A zod issue in words an admin understands. */
export function issueMessage(issue: ZodIssue): string {
  if (issue.code === 'unrecognized_keys') return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`;
  if (issue.code === 'invalid_type' && issue.received === 'undefined') return 'is required';
  if (issue.code === 'invalid_enum_value') return `must be one of ${issue.options.join(', ')} (got "${String(issue.received)}")`;
  if (issue.code === 'invalid_union' && issue.unionErrors.every((e) => e.issues.some((i) => i.code === 'invalid_type' && i.received === 'undefined'))) {
    return 'is required';
  }
  if (issue.code === 'invalid_union') {
    // Unions that say what they want (errorMap) keep their message; the unnamed one is the secret ref.
    if (issue.message !== 'Invalid input') return issue.message;
    return 'must be a string, {env: VARIABLE} or {file: PATH}';
  }
  return issue.message;
}
