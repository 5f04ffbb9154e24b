// Classic API XML: the JSON shapes turned into Jamf's element layout, where a list is wrapped as
// <computers><size>2</size><computer>…</computer>…</computers>. Plus the tiny reader the webhook
// POST needs (flat elements only).

/** Element name for one item of a Classic list. */
const SINGULAR: Record<string, string> = {
  computers: 'computer',
  computer_groups: 'computer_group',
  mobile_devices: 'mobile_device',
  mobile_device_groups: 'mobile_device_group',
  criteria: 'criterion',
  webhooks: 'webhook',
  computer_group_memberships: 'group',
  mobile_device_group_memberships: 'group',
};

export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function element(name: string, value: unknown, out: string[]): void {
  if (value === null || value === undefined) {
    out.push(`<${name}/>`);
  } else if (Array.isArray(value)) {
    const item = SINGULAR[name] ?? name.replace(/s$/, '');
    out.push(`<${name}><size>${value.length}</size>`);
    for (const v of value) element(item, v, out);
    out.push(`</${name}>`);
  } else if (typeof value === 'object') {
    out.push(`<${name}>`);
    for (const [k, v] of Object.entries(value)) element(k, v, out);
    out.push(`</${name}>`);
  } else {
    out.push(`<${name}>${escapeXml(String(value))}</${name}>`);
  }
}

/** `{"computer_group": {...}}` → `<?xml …?><computer_group>…</computer_group>`. */
export function classicXml(doc: Record<string, unknown>): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>'];
  for (const [root, value] of Object.entries(doc)) element(root, value, out);
  return out.join('');
}

function unescapeXml(text: string): string {
  return text
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}

/** Text of the first `<tag>…</tag>` (CDATA allowed), or undefined when absent. */
export function xmlText(xml: string, tag: string): string | undefined {
  const m = new RegExp(`<${tag}>(?:<!\\[CDATA\\[([\\s\\S]*?)\\]\\]>|([\\s\\S]*?))</${tag}>`).exec(xml);
  if (!m) return new RegExp(`<${tag}\\s*/>`).test(xml) ? '' : undefined;
  return m[1] !== undefined ? m[1] : unescapeXml(m[2] ?? '').trim();
}
