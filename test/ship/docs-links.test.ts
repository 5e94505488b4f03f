// The README is the short way in and docs/ holds the rest, one file per subject (issue #25): every
// relative link in the project's Markdown must reach a file that exists and, with a #fragment,
// a heading of that file (GitHub's anchors), so a moved section cannot leave a dead link behind.
// The README also keeps what a newcomer needs on its first screen, and the two set-up commands
// that .ci/run and the users rely on, word for word.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT } from './support.js';

/** Markdown without fenced code blocks (their `#` lines are not headings, their brackets not links). */
function prose(md: string): string[] {
  const out: string[] = [];
  let fence: string | null = null;
  for (const line of md.split('\n')) {
    const m = /^\s*(```+|~~~+)/.exec(line);
    if (m) {
      if (fence === null) fence = m[1]![0]!;
      else if (m[1]![0] === fence) fence = null;
      out.push('');
      continue;
    }
    out.push(fence === null ? line : '');
  }
  return out;
}

/** GitHub's heading anchors: inline markup dropped, lower case, punctuation removed, spaces to
 *  hyphens, a repeated anchor numbered -1, -2, … */
export function anchors(md: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const line of prose(md)) {
    const h = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!h) continue;
    const text = h[1]!
      .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1') // links keep their text
      .replace(/<[^>]+>/g, '');
    const base = text.toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '').replace(/ /g, '-');
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** Relative link targets outside code: [text](target) and [text](target "title"). */
function links(md: string): string[] {
  const out: string[] = [];
  for (const line of prose(md)) {
    const text = line.replace(/`[^`]*`/g, '');
    for (const m of text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) {
      const target = m[1]!;
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:, …
      out.push(target);
    }
  }
  return out;
}

const tracked = execFileSync('git', ['ls-files', '-z', '--', '*.md'], { cwd: PROJECT, encoding: 'utf8' })
  .split('\0').filter((f) => f && existsSync(join(PROJECT, f)));
// docs/ files not yet committed are checked too (git ls-files lists only tracked ones)
const docsDir = join(PROJECT, 'docs');
const untrackedDocs = existsSync(docsDir)
  ? execFileSync('git', ['ls-files', '-z', '--others', '--exclude-standard', '--', 'docs/*.md', 'README.md'], { cwd: PROJECT, encoding: 'utf8' }).split('\0').filter(Boolean)
  : [];
const files = [...new Set([...tracked, ...untrackedDocs])].sort();

describe('Markdown links', () => {
  it('the anchor rule gives GitHub\'s anchors', () => {
    expect([...anchors('# A `--via` B\n## Declared ⇄ enforced\n### 10. Input, checked\n## x\n## x\n```\n# not a heading\n```')])
      .toEqual(['a---via-b', 'declared--enforced', '10-input-checked', 'x', 'x-1']);
  });

  it('finds the README and the docs', () => {
    expect(files).toContain('README.md');
    expect(files.filter((f) => f.startsWith('docs/')).length).toBeGreaterThan(5);
  });

  it.each(files)('%s: every relative link reaches a file, and a heading of it', (file) => {
    const md = readFileSync(join(PROJECT, file), 'utf8');
    const dead: string[] = [];
    for (const target of links(md)) {
      const [path, fragment] = target.split('#', 2) as [string, string | undefined];
      const to = path === '' ? join(PROJECT, file) : join(PROJECT, dirname(file), decodeURIComponent(path));
      if (!existsSync(to)) {
        dead.push(`${target}: no such file ${relative(PROJECT, to)}`);
        continue;
      }
      if (fragment !== undefined && statSync(to).isFile() && to.endsWith('.md') && !anchors(readFileSync(to, 'utf8')).has(fragment)) {
        dead.push(`${target}: ${relative(PROJECT, to)} has no heading #${fragment}`);
      }
    }
    expect(dead).toEqual([]);
  });
});

describe('README', () => {
  const readme = readFileSync(join(PROJECT, 'README.md'), 'utf8');
  const firstScreen = readme.split('\n').slice(0, 60).join('\n');

  it('keeps the two set-up commands word for word (.ci/run runs the second)', () => {
    expect(readme).toContain('\nbash scripts/install.sh && ./bin/sbx-detect\n');
    expect(readme).toContain('\nbash scripts/test.sh\n');
    expect(readFileSync(join(PROJECT, '.ci/run'), 'utf8')).toContain('bash scripts/test.sh');
  });

  it('shows how to run it, how to use --via and how to read the report on its first screen (60 lines)', () => {
    expect(firstScreen).toContain('bash scripts/install.sh && ./bin/sbx-detect');
    expect(firstScreen).toMatch(/sbx-detect --via "[^"]+"/);
    expect(firstScreen).toMatch(/^## Reading the report$/m);
  });
});
