// A hostile --via channel: `node fake-channel.mjs MODE sh -c BOOTSTRAP sbx-via REQUEST…`.
// It runs the real bootstrap on this machine (so the real helper is uploaded and answers for
// real) and then does to the answers what a compromised target or a broken channel would.
// Modes:
//   lie-types        every answer keeps its id but its fields get the wrong types
//   lie-values       answers claim impossible things (negative stat numbers, bytes > 0xff, huge errno)
//   die-mid:N        passes N bytes of answers, then kills the helper and exits 1 mid-line
//   die-after:K:N    the same, counting N bytes from the end of the K-th round
//   garbage          after the hello, every line becomes binary junk and no round ever ends
//   flood            after the architecture line, an endless stream without a newline
//   flood-lines      after the hello, an endless stream of well-formed JSON lines
//   hang             prints nothing, ever
//   hang-after-first passes the hello and the first round, then forwards nothing more
//   duplicates       every answer twice, the second with other data
//   wrong-protocol   a hello from another protocol version
import { spawn } from 'node:child_process';

const [modeArg, ...cmd] = process.argv.slice(2);
const [mode, param, param2] = modeArg.split(':');
const out = (s) => process.stdout.write(s);

if (mode === 'hang') {
  process.stdin.resume();
  setInterval(() => {}, 1 << 30);
} else {
  const child = spawn(cmd[0], cmd.slice(1), { stdio: ['pipe', 'pipe', 'inherit'] });
  process.stdin.pipe(child.stdin);
  child.stdin.on('error', () => {});
  process.stdout.on('error', () => process.exit(0));
  child.on('exit', (code) => setTimeout(() => process.exit(code ?? 1), 50));
  let buf = '';
  let sent = 0;
  let helloSeen = false;
  let rounds = 0;
  child.stdout.on('data', (b) => {
    buf += b.toString('latin1');
    let nl;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      transform(line);
    }
  });

  function transform(line) {
    if (line.startsWith('sbx-arch ')) {
      out(line + '\n');
      if (mode === 'flood') {
        const chunk = 'A'.repeat(1 << 20);
        const pump = () => { while (process.stdout.write(chunk)); process.stdout.once('drain', pump); };
        pump();
      }
      return;
    }
    let v = null;
    try { v = JSON.parse(line); } catch { /* not JSON */ }
    if (v && v.req === 'hello') {
      helloSeen = true;
      if (mode === 'wrong-protocol') v.protocol = 99;
      out(JSON.stringify(v) + '\n');
      if (mode === 'flood-lines') {
        const chunk = (JSON.stringify({ req: 'read', id: 'zz', data: 'x'.repeat(1000) }) + '\n').repeat(1000);
        const pump = () => { while (process.stdout.write(chunk)); process.stdout.once('drain', pump); };
        pump();
      }
      return;
    }
    if (!helloSeen) return out(line + '\n');
    if (mode === 'flood' || mode === 'flood-lines') return;
    if (v && v.req === 'sync') rounds++;
    switch (mode) {
      case 'lie-types':
        if (v && v.id && v.req !== 'sync') {
          for (const k of Object.keys(v)) if (k !== 'req' && k !== 'id') v[k] = typeof v[k] === 'number' ? 'twelve' : typeof v[k] === 'string' ? 12 : Array.isArray(v[k]) ? { a: v[k] } : [v[k]];
          if (v.req === 'stat') v.mode = { nested: [[[[]]]] };
          return out(JSON.stringify(v) + '\n');
        }
        return out(line + '\n');
      case 'lie-values':
        if (v && v.req === 'stat') Object.assign(v, { mode: -1, uid: -5, size: 1e300, ino: 1.5 });
        if (v && v.req === 'read' && typeof v.data === 'string') v.data = '\u4e16' + v.data;
        if (v && v.errno !== undefined) v.errno = 2 ** 40;
        if (v && v.req === 'uname') v.release = 'x'.repeat(100000);
        return out(JSON.stringify(v ?? line) + '\n');
      case 'die-after':
      case 'die-mid':
        if (mode === 'die-after' && rounds < Number(param)) return out(line + '\n');
        sent += line.length;
        if (sent > Number(mode === 'die-after' ? param2 : param)) {
          out(line.slice(0, line.length >> 1)); // cut mid-line
          child.kill('SIGKILL');
          process.exit(1);
        }
        return out(line + '\n');
      case 'garbage': {
        const junk = Buffer.alloc(200);
        for (let i = 0; i < junk.length; i++) junk[i] = (i * 37 + line.length) & 0xff;
        return out(junk.toString('latin1').replace(/\n/g, ' ') + '\n');
      }
      case 'hang-after-first':
        if (rounds > 1 || (rounds === 1 && !(v && v.req === 'sync'))) return; // forward nothing after the first round
        return out(line + '\n');
      case 'duplicates':
        out(line + '\n');
        if (v && v.id && v.req !== 'sync') out(JSON.stringify({ ...v, data: 'Seccomp:\t2\n', errno: undefined }) + '\n');
        return;
      default:
        return out(line + '\n');
    }
  }
}
