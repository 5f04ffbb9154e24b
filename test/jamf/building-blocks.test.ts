// Small pieces of the Jamf client: Classic XML reading, RSQL quoting, the limiter, token margins, error bodies.
import { describe, expect, it } from 'vitest';
import { classicXmlToJson, looksLikeXml } from '../../src/jamf/classic-xml.js';
import { isoDate, macList, matchGroups } from '../../src/jamf/device.js';
import { redact, summariseErrorBody } from '../../src/jamf/errors.js';
import { Limiter } from '../../src/jamf/limiter.js';
import { pickByName, rsqlEquals } from '../../src/jamf/rsql.js';
import { TokenManager, renewMarginMs } from '../../src/jamf/token.js';

describe('Classic XML → Classic JSON shape', () => {
  it('unwraps lists, drops <size>, keeps one-item and empty lists as arrays', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<!-- comment -->
<computer_group><id>5</id><name>A &amp; B &lt;Macs&gt; &#233;&#x2713;</name><is_smart>true</is_smart>
  <criteria><size>0</size></criteria>
  <computers><computer><id>1</id><name><![CDATA[Bob's <Mac>]]></name><alt_mac_address/></computer></computers>
</computer_group>`;
    expect(classicXmlToJson(xml)).toEqual({
      computer_group: { id: '5', name: 'A & B <Macs> é✓', is_smart: 'true', criteria: [], computers: [{ id: '1', name: "Bob's <Mac>", alt_mac_address: '' }] },
    });
  });

  it('keeps repeated elements outside known lists instead of losing them', () => {
    expect(classicXmlToJson('<a><b>1</b><b>2</b><b>3</b></a>')).toEqual({ a: { b: ['1', '2', '3'] } });
  });

  it('rejects malformed XML with the offset', () => {
    expect(() => classicXmlToJson('<a><b>1</c></a>')).toThrow(/^XML: mismatched closing tag inside <b> at offset 7$/);
    expect(() => classicXmlToJson('<a><b>1</b>')).toThrow(/unclosed <a>/);
    expect(() => classicXmlToJson('<x>'.repeat(100))).toThrow(/^XML: nesting too deep/);
    expect(() => classicXmlToJson('not xml')).toThrow(/^XML: expected an element at offset 0$/);
  });

  it('tells XML from JSON and from HTML error pages', () => {
    expect(looksLikeXml('  <?xml version="1.0"?><a/>')).toBe(true);
    expect(looksLikeXml('{"a":1}')).toBe(false);
    expect(looksLikeXml('<!DOCTYPE html><html></html>')).toBe(false);
    expect(looksLikeXml('<html><body>x</body></html>')).toBe(false);
  });
});

describe('RSQL filters', () => {
  it('quotes values and escapes quotes and backslashes', () => {
    expect(rsqlEquals('name', 'Compliant Macs')).toBe('name=="Compliant Macs"');
    expect(rsqlEquals('name', 'a"b\\c')).toBe('name=="a\\"b\\\\c"');
  });

  it('prefers the exact name, else one case-insensitive match, else nothing', () => {
    const rows = [{ n: 'Macs' }, { n: 'macs' }, { n: 'iPads' }];
    expect(pickByName(rows, 'macs', (r) => r.n)).toBe(rows[1]);
    expect(pickByName(rows, 'MACS', (r) => r.n)).toBeUndefined();
    expect(pickByName(rows, 'IPADS', (r) => r.n)).toBe(rows[2]);
    // Jamf treats * as a wildcard: results are re-checked exactly.
    expect(pickByName(rows, '*', (r) => r.n)).toBeUndefined();
  });
});

describe('Limiter', () => {
  it('runs at most N tasks at once, in arrival order, and passes failures through', async () => {
    const lim = new Limiter(3);
    let running = 0;
    let peak = 0;
    const order: number[] = [];
    const task = (i: number) => lim.run(async () => {
      running++;
      peak = Math.max(peak, running);
      order.push(i);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      if (i === 4) throw new Error('boom');
      return i;
    });
    const results = await Promise.allSettled(Array.from({ length: 10 }, (_, i) => task(i)));
    expect(peak).toBe(3);
    expect(lim.peak).toBe(3);
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(results[4]).toMatchObject({ status: 'rejected' });
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(9);
    expect(() => new Limiter(0)).toThrow(RangeError);
  });
});

describe('TokenManager', () => {
  it('renews 30 s before expiry, or a quarter of a short lifetime', async () => {
    expect(renewMarginMs(599)).toBe(30_000);
    expect(renewMarginMs(60)).toBe(15_000);
    let clock = 0;
    let n = 0;
    const tm = new TokenManager(async () => ({ accessToken: `t${++n}`, expiresInSeconds: 599 }), () => clock);
    expect(await tm.get()).toBe('t1');
    clock = 568_999;
    expect(await tm.get()).toBe('t1');
    clock = 569_000;
    expect(await tm.get()).toBe('t2');
    tm.invalidate('t1'); // an old token: ignored
    expect(await tm.get()).toBe('t2');
    tm.invalidate('t2');
    expect(await tm.get()).toBe('t3');
  });

  it('lets the next caller try again after a failed token request', async () => {
    let fail = true;
    const tm = new TokenManager(async () => {
      if (fail) throw new Error('down');
      return { accessToken: 'ok', expiresInSeconds: 600 };
    });
    await expect(tm.get()).rejects.toThrow('down');
    fail = false;
    expect(await tm.get()).toBe('ok');
  });
});

describe('identifiers and error bodies', () => {
  it('normalises MACs and dates the way Jamf sends them', () => {
    expect(macList('6A:2C:4B:B7:65:B5', '82:45:58:44:dc:01', '', null, '6a-2c-4b-b7-65-b5', 'garbage')).toEqual(['6a:2c:4b:b7:65:b5', '82:45:58:44:dc:01']);
    expect(isoDate('2020-08-03T12:24:29.968+0000')).toBe('2020-08-03T12:24:29.968Z');
    expect(isoDate('', 1596457469968)).toBe('2020-08-03T12:24:29.968Z');
    expect(isoDate('not a date')).toBeUndefined();
    expect(matchGroups(['compliant macs', 'Other'], ['Compliant Macs', 'FileVault'])).toEqual(['Compliant Macs']);
  });

  it('summarises Jamf error bodies to one line', () => {
    expect(summariseErrorBody('{"httpStatus":400,"errors":[{"code":"INVALID_FIELD","field":"name","description":"bad\\nname","id":null},{"code":"X","field":""}]}')).toBe('INVALID_FIELD: bad name (name); X');
    expect(summariseErrorBody('{"error":"invalid_scope"}')).toBe('invalid_scope');
    expect(summariseErrorBody('x'.repeat(400))).toHaveLength(301);
    expect(summariseErrorBody('   ')).toBeUndefined();
    expect(redact('token abcd1234 and abcd1234', ['abcd1234', 'ab'])).toBe('token [redacted] and [redacted]');
  });
});
