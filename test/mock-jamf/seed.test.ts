import { describe, expect, it } from 'vitest';
import { MAC_MODELS } from '../../src/mock-jamf/catalog.js';
import { AdapterType, createSeededState, generateComputer } from '../../src/mock-jamf/index.js';

const UPPER_UUID = /^[0-9A-F]{8}-[0-9A-F]{4}-5[0-9A-F]{3}-[89AB][0-9A-F]{3}-[0-9A-F]{12}$/;
const MAC = /^[0-9A-F]{2}(:[0-9A-F]{2}){5}$/;
const REF = Date.UTC(2025, 5, 1);

describe('seed', () => {
  it('is deterministic: same seed, same fleet; another seed, another fleet', () => {
    const a = createSeededState({ seed: 7, referenceTime: REF, computers: 50, mobileDevices: 20 });
    const b = createSeededState({ seed: 7, referenceTime: REF, computers: 50, mobileDevices: 20 });
    const c = createSeededState({ seed: 8, referenceTime: REF, computers: 50, mobileDevices: 20 });
    expect([...a.computers.values()]).toEqual([...b.computers.values()]);
    expect([...a.mobileDevices.values()]).toEqual([...b.mobileDevices.values()]);
    expect([...a.groups('computer').values()].map((g) => [...g.members])).toEqual([...b.groups('computer').values()].map((g) => [...g.members]));
    expect(a.computers.get(1)!.udid).not.toBe(c.computers.get(1)!.udid);
  });

  it('gives a device added later exactly what the seed would have made for its id', () => {
    const seeded = createSeededState({ seed: 3, referenceTime: REF, computers: 10 });
    expect(generateComputer(10, { seed: 3, referenceTime: REF })).toEqual(seeded.computers.get(10));
  });

  it('makes Jamf-looking computers: upper-case UDIDs, C02 serials, Ethernet en0 on desktops, Wi-Fi alt', () => {
    const s = createSeededState({ seed: 1, referenceTime: REF, computers: 400 });
    const all = [...s.computers.values()];
    for (const c of all) {
      expect(c.udid).toMatch(UPPER_UUID);
      expect(c.serialNumber).toMatch(/^C02[0-9A-HJ-NP-Z]{9}$/);
      expect(c.macAddress).toMatch(MAC);
      expect(c.altMacAddress).toMatch(MAC);
      expect(c.macAddress).not.toBe(c.altMacAddress);
      expect(c.reportDate).toBeLessThanOrEqual(REF);
      expect(c.lastContact).toBeGreaterThanOrEqual(c.reportDate);
      const desktop = MAC_MODELS.find((m) => m.modelIdentifier === c.modelIdentifier)!.desktop;
      expect(c.networkAdapterType).toBe(desktop ? AdapterType.ethernet : AdapterType.wifi);
      expect(c.altNetworkAdapterType).toBe(desktop ? AdapterType.wifi : AdapterType.ethernet);
      if (c.appleSilicon) expect(c.provisioningUdid).toMatch(/^0000[0-9A-F]{4}-[0-9A-F]{16}$/);
      else expect(c.provisioningUdid).toBe('');
    }
    const ethernetFirst = all.filter((c) => c.networkAdapterType === AdapterType.ethernet).length;
    expect(ethernetFirst).toBeGreaterThan(100);
    expect(ethernetFirst).toBeLessThan(300);
    const managed = all.filter((c) => c.managed).length / all.length;
    expect(managed).toBeGreaterThan(0.9);
    expect(managed).toBeLessThan(1);
  });

  it('makes mobile devices with both UDID styles and Wi-Fi MACs', () => {
    const s = createSeededState({ seed: 1, referenceTime: REF, mobileDevices: 300 });
    const all = [...s.mobileDevices.values()];
    for (const m of all) {
      expect(m.udid).toMatch(/^([0-9a-f]{40}|0000[0-9A-F]{4}-[0-9A-F]{16})$/);
      expect(m.wifiMacAddress).toMatch(MAC);
      expect(m.serialNumber).toMatch(/^[0-9A-Z]{12}$/);
    }
    expect(all.some((m) => m.udid.length === 40)).toBe(true);
    expect(all.some((m) => m.udid.length === 25)).toBe(true);
    expect(new Set(all.map((m) => m.type))).toEqual(new Set(['ios', 'tvos']));
  });

  it('fills groups by share of the eligible managed devices', () => {
    const s = createSeededState({ seed: 1, referenceTime: REF, computers: 2000, mobileDevices: 0 });
    const managed = [...s.computers.values()].filter((c) => c.managed);
    expect(s.group('computer', 'All Managed Clients')!.members.size).toBe(managed.length);
    const eligible = managed.filter((c) => c.fileVault2Enabled).length;
    const share = s.group('computer', 'Compliant Macs')!.members.size / eligible;
    expect(share).toBeGreaterThan(0.8);
    expect(share).toBeLessThan(0.9);
    for (const id of s.group('computer', 'Compliant Macs')!.members) expect(s.computers.get(id)!.managed).toBe(true);
    expect(s.group('computer', 'Loaner Macs')!.smart).toBe(false);
  });

  it('handles 100,000 computers with unique UDIDs, MACs and serials', () => {
    const s = createSeededState({ seed: 1, referenceTime: REF, computers: 100_000, mobileDevices: 0 });
    expect(s.computers.size).toBe(100_000);
    const udids = new Set<string>();
    const macs = new Set<string>();
    const serials = new Set<string>();
    for (const c of s.computers.values()) {
      udids.add(c.udid);
      macs.add(c.macAddress);
      macs.add(c.altMacAddress);
      serials.add(c.serialNumber);
    }
    expect(udids.size).toBe(100_000);
    expect(macs.size).toBe(200_000);
    expect(serials.size).toBe(100_000);
  });
});
