import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ConversationTable, STATE_LENGTH, type TableMember } from '../../src/eap/conversations.js';

class Member implements TableMember {
  closed: string[] = [];
  constructor(readonly nas: string) {}
  close(why: string): void {
    this.closed.push(why);
  }
}

describe('ConversationTable', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('issues 32-octet random States and finds the member only for its NAS', () => {
    const t = new ConversationTable<Member>({ maxConversations: 10, timeoutMs: 1000 });
    const m = new Member('ap-1');
    const s = t.issueState(m)!;
    expect(s).toHaveLength(STATE_LENGTH);
    expect(t.find(s, 'ap-1')).toBe(m);
    expect(t.find(s, 'ap-2')).toBeUndefined();
    expect(t.find(s.subarray(0, 16), 'ap-1')).toBeUndefined();
  });

  it('replaces the State on every challenge; the old one stops working', () => {
    const t = new ConversationTable<Member>({ maxConversations: 10, timeoutMs: 1000 });
    const m = new Member('ap-1');
    const s1 = t.issueState(m)!;
    const s2 = t.issueState(m)!;
    expect(s2.equals(s1)).toBe(false);
    expect(t.find(s1, 'ap-1')).toBeUndefined();
    expect(t.find(s2, 'ap-1')).toBe(m);
    expect(t.size).toBe(1);
  });

  it('refuses new members when full but keeps serving existing ones', () => {
    const t = new ConversationTable<Member>({ maxConversations: 2, timeoutMs: 1000 });
    const a = new Member('n');
    const b = new Member('n');
    t.issueState(a);
    t.issueState(b);
    expect(t.issueState(new Member('n'))).toBeUndefined();
    expect(t.issueState(a)).toBeDefined();
    expect(t.size).toBe(2);
  });

  it('expires idle members, closes them and reports them once', () => {
    const expired: Member[] = [];
    const t = new ConversationTable<Member>({ maxConversations: 10, timeoutMs: 1000 }, (m) => expired.push(m));
    const idle = new Member('n');
    const busy = new Member('n');
    const idleState = t.issueState(idle)!;
    t.issueState(busy);
    vi.advanceTimersByTime(900);
    const busyState = t.issueState(busy)!; // activity re-arms the timer
    vi.advanceTimersByTime(200);
    expect(expired).toEqual([idle]);
    expect(idle.closed).toEqual(['timeout']);
    expect(t.find(idleState, 'n')).toBeUndefined();
    expect(t.find(busyState, 'n')).toBe(busy);
    vi.advanceTimersByTime(1000);
    expect(t.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('clear() closes everything and leaves no timers', () => {
    const t = new ConversationTable<Member>({ maxConversations: 10, timeoutMs: 1000 });
    const ms = [new Member('a'), new Member('b')];
    for (const m of ms) t.issueState(m);
    t.clear();
    expect(ms.map((m) => m.closed)).toEqual([['shutdown'], ['shutdown']]);
    expect(t.size).toBe(0);
    expect(vi.getTimerCount()).toBe(0);
  });
});
