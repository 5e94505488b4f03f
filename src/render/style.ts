// Terminal styling: colour only on a TTY, and never when NO_COLOR is set (no-color.org).
export interface Style {
  bold(s: string): string;
  red(s: string): string;
  yellow(s: string): string;
  green(s: string): string;
  dim(s: string): string;
}

const wrap = (open: number, close: number) => (s: string) => `\x1b[${open}m${s}\x1b[${close}m`;
const plain = (s: string) => s;

export function makeStyle(colour: boolean): Style {
  return colour
    ? { bold: wrap(1, 22), red: wrap(31, 39), yellow: wrap(33, 39), green: wrap(32, 39), dim: wrap(2, 22) }
    : { bold: plain, red: plain, yellow: plain, green: plain, dim: plain };
}

/** The verdict's headline, in the colour of its answer: red when privileged, yellow when the
 *  runtime could not be told, green otherwise. */
export function paintHeadline(v: { headline: string; privileged: { privileged: boolean | null }; sandbox: { class: string } }, s: Style): string {
  if (v.privileged.privileged) return s.red(v.headline);
  return v.sandbox.class === 'unknown' || v.sandbox.class === 'container' ? s.yellow(v.headline) : s.green(v.headline);
}

export const wantColour = (isTty: boolean, env: NodeJS.ProcessEnv) => isTty && !('NO_COLOR' in env && env.NO_COLOR !== '');
