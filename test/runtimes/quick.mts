import { runInRuntime } from './index.js';
const rt = process.argv[2];
const over = JSON.parse(process.env.DECL ?? '{}');
const r = await runInRuntime({ name: 'quick', runtime: rt as 'runc', uid: 20000, gid: 20000, caps: [], seccomp: 'none', readOnlyRoot: true, noNewPrivileges: true,
  projectDir: '/work/main', command: ['sh', '-c', process.env.CMD ?? 'id'], ...over });
console.log(JSON.stringify({ ...r, argv: process.env.ARGV ? r.argv : undefined }, null, 1));
