// Walks a facts tree and calls back on every Fact ({known, source, ...}) it finds.
export function walkFacts(node: unknown, visit: (path: string, fact: { known: boolean; reason?: string; source: string }) => void, path = 'facts'): void {
  if (!node || typeof node !== 'object') return;
  const o = node as Record<string, unknown>;
  if (typeof o.known === 'boolean' && typeof o.source === 'string') {
    visit(path, o as { known: boolean; reason?: string; source: string });
    return;
  }
  for (const [k, v] of Object.entries(o)) walkFacts(v, visit, `${path}.${k}`);
}
