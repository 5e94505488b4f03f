// The Capabilities section inside a user namespace of the container's own (a pod's hostUsers:
// false): root there holds every capability, but only over what the namespace owns, so the
// table must not say that CAP_SYS_MODULE gives "full host kernel control" there, while it still
// warns where the capabilities are the host's.
import { describe, expect, it } from 'vitest';
import { makeStyle } from '../../src/render/style.js';
import { renderTable } from '../../src/render/table.js';
import { seen } from '../support/seen.js';

async function capture(name: string): Promise<string> {
  const s = await seen(`capture:${name}`);
  return renderTable(s.facts, s.verdict, makeStyle(false), { explain: false });
}

/** the rows of one section of the plain table, as [label, text] with wrapped lines joined */
function sectionRows(text: string, title: string): [string, string][] {
  const lines = text.split('\n');
  const start = lines.indexOf(title);
  if (start < 0) throw new Error(`no section ${title}`);
  const rows: [string, string][] = [];
  for (const l of lines.slice(start + 2)) {
    if (!l.startsWith('│')) break;
    const [, a, b] = l.split('│').map((c) => c.trim());
    if (a) rows.push([a, b!]);
    else if (rows.length) rows[rows.length - 1]![1] += ` ${b}`;
  }
  return rows;
}

describe('capabilities in a user namespace of its own', () => {
  it('runc, root of its own user namespace with every capability: their scope is said, no host-wide warning', async () => {
    const rows = sectionRows(await capture('runc-userns'), 'Capabilities');
    const text = rows.map((r) => r.join(': ')).join('\n');
    expect(text).not.toContain('full host kernel control');
    expect(rows.filter(([k]) => k.endsWith('!'))).toEqual([]);
    expect(rows.find(([k]) => k === 'scope')?.[1]).toMatch(/^a user namespace of its own \(uid_map 0 131072 65536\): they act only on what it owns/);
    expect(rows.find(([k]) => k === 'scope')?.[1]).toMatch(/sys_module/);
  });

  it.skipIf(process.geteuid?.() !== 0)('this machine, root in the initial user namespace: the risky capabilities are still flagged', async () => {
    const s = await seen('live');
    const rows = sectionRows(renderTable(s.facts, s.verdict, makeStyle(false), { explain: false }), 'Capabilities');
    expect(rows.find(([k]) => k === 'sys_module!')?.[1]).toBe('loads kernel modules: full host kernel control');
    expect(rows.find(([k]) => k === 'scope')).toBeUndefined();
  });
});
