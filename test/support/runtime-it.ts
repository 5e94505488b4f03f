// `it` for a test that needs a real runtime: in CI (CI=true) a runtime that cannot start FAILS,
// naming it; elsewhere the test is skipped with the reason in its title. Never a silent pass.
import { it } from 'vitest';
import { runtimeAvailability, type RuntimeName } from '../runtimes/index.js';

export const CI = process.env.CI === 'true' || process.env.CI === '1';

export async function itInRuntime(rt: RuntimeName, title: string, fn: () => Promise<void>, timeout = 180_000): Promise<void> {
  const a = await runtimeAvailability(rt);
  if (a.ok) it(title, fn, timeout);
  else if (CI) it(title, () => { throw new Error(`runtime ${rt} cannot start on this machine: ${a.reason}`); });
  else it.skip(`${title} — SKIPPED: ${rt} cannot start here: ${a.reason}`, () => {});
}
