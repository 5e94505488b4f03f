#!/usr/bin/env node
// Builds (or reuses) the initramfs of the sbx-detect QEMU guest.
//
// Contents (a "newc" cpio, written here without needing cpio(1)):
//   /init                 scripts/qemu-guest/init.sh
//   /bin/busybox          the host's static busybox (busybox-static)
//   /dev/console          char 5:1, so PID 1 has a console before devtmpfs is up
//   /modules/*.ko         the guest kernel's virtio/9p modules and their
//                         dependencies (resolved from modules.dep), and
//   /modules/order        the order to insmod them in (dependencies first).
// Modules that are built into the kernel (modules.builtin) are skipped.
//
// The result is cached as <cacheDir>/<kernel version>-<content hash>/initramfs.cpio
// and reused until the kernel, busybox, the modules or init.sh change.
//
// Usage: node scripts/qemu-guest/build-initramfs.mjs [--cache-dir DIR] [--json]

import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = path.dirname(fileURLToPath(import.meta.url));

/** Modules the guest needs: virtio PCI transport, 9p over virtio. */
export const GUEST_MODULES = ['virtio_pci', '9pnet_virtio', '9p'];

const DEFAULT_BUSYBOX = '/bin/busybox';

function versionCompare(a, b) {
  const pa = a.split(/[.-]/).map((x) => (/^\d+$/.test(x) ? Number(x) : x));
  const pb = b.split(/[.-]/).map((x) => (/^\d+$/.test(x) ? Number(x) : x));
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return String(x) < String(y) ? -1 : 1;
  }
  return 0;
}

/**
 * The newest /boot/vmlinuz-<ver> that has /lib/modules/<ver>/modules.dep.
 * Returns null (with the reason) when there is none.
 */
export function findGuestKernel(bootDir = '/boot', modulesRoot = '/lib/modules') {
  let names;
  try {
    names = fs.readdirSync(bootDir);
  } catch (e) {
    return { kernel: null, why: `cannot list ${bootDir}: ${e.message}` };
  }
  const versions = names
    .filter((n) => n.startsWith('vmlinuz-'))
    .map((n) => n.slice('vmlinuz-'.length))
    .filter((v) => fs.existsSync(path.join(modulesRoot, v, 'modules.dep')))
    .sort(versionCompare);
  const version = versions.at(-1);
  if (!version) {
    return {
      kernel: null,
      why: `no ${bootDir}/vmlinuz-* with a matching ${modulesRoot}/<version>/modules.dep (apt-get install linux-image-amd64)`,
    };
  }
  const kernel = path.join(bootDir, `vmlinuz-${version}`);
  try {
    fs.accessSync(kernel, fs.constants.R_OK);
  } catch (e) {
    return { kernel: null, why: `${kernel} is not readable: ${e.message}` };
  }
  return { kernel, version, modulesDir: path.join(modulesRoot, version) };
}

const modName = (p) => path.basename(p).replace(/\.ko(\.(xz|zst|gz))?$/, '').replace(/-/g, '_');

/**
 * Resolve GUEST_MODULES against modules.dep: the module files to load, in order
 * (dependencies first). Built-in modules are dropped. Compressed modules are
 * refused (this kernel uses CONFIG_MODULE_COMPRESS_NONE; busybox insmod of a
 * compressed module would need decompression support).
 */
export function resolveModules(modulesDir, wanted = GUEST_MODULES) {
  const dep = new Map();
  for (const line of fs.readFileSync(path.join(modulesDir, 'modules.dep'), 'utf8').split('\n')) {
    const m = /^([^:]+):\s*(.*)$/.exec(line);
    if (!m) continue;
    dep.set(modName(m[1]), { file: m[1], deps: m[2].split(/\s+/).filter(Boolean) });
  }
  const builtin = new Set();
  try {
    for (const line of fs.readFileSync(path.join(modulesDir, 'modules.builtin'), 'utf8').split('\n')) {
      if (line.trim()) builtin.add(modName(line.trim()));
    }
  } catch {
    /* no modules.builtin: assume nothing is built in */
  }
  const order = [];
  const seen = new Set();
  const visit = (name, from) => {
    const n = name.replace(/-/g, '_');
    if (seen.has(n)) return;
    seen.add(n);
    const entry = dep.get(n);
    if (!entry) {
      if (builtin.has(n)) return;
      throw new Error(`kernel module ${n}${from ? ` (needed by ${from})` : ''} is neither in ${modulesDir}/modules.dep nor built in`);
    }
    for (const d of entry.deps) visit(modName(d), n);
    if (/\.(xz|zst|gz)$/.test(entry.file)) {
      throw new Error(`module ${entry.file} is compressed; this builder only packs uncompressed modules`);
    }
    order.push({ name: n, file: path.join(modulesDir, entry.file) });
  };
  for (const w of wanted) visit(w);
  return order;
}

/** True when the ELF file has no PT_INTERP program header (statically linked). */
export function isStaticElf(file) {
  const buf = fs.readFileSync(file);
  if (buf.length < 64 || buf.readUInt32BE(0) !== 0x7f454c46 || buf[4] !== 2 || buf[5] !== 1) return false;
  const phoff = Number(buf.readBigUInt64LE(32));
  const phentsize = buf.readUInt16LE(54);
  const phnum = buf.readUInt16LE(56);
  for (let i = 0; i < phnum; i++) {
    if (buf.readUInt32LE(phoff + i * phentsize) === 3 /* PT_INTERP */) return false;
  }
  return true;
}

// ---- cpio "newc" writer -----------------------------------------------------

function cpioEntry(name, mode, data = Buffer.alloc(0), { rdevMajor = 0, rdevMinor = 0, ino }) {
  const hex = (n) => n.toString(16).padStart(8, '0');
  const nameBuf = Buffer.from(`${name}\0`);
  const header =
    '070701' +
    hex(ino) +
    hex(mode) +
    hex(0) + // uid
    hex(0) + // gid
    hex((mode & 0o170000) === 0o040000 ? 2 : 1) + // nlink
    hex(0) + // mtime (fixed: reproducible)
    hex(data.length) +
    hex(0) + // devmajor
    hex(0) + // devminor
    hex(rdevMajor) +
    hex(rdevMinor) +
    hex(nameBuf.length) +
    hex(0); // check
  const pad = (len) => Buffer.alloc((4 - (len % 4)) % 4);
  const head = Buffer.concat([Buffer.from(header, 'ascii'), nameBuf]);
  return Buffer.concat([head, pad(head.length), data, pad(data.length)]);
}

function buildCpio(entries) {
  const parts = [];
  let ino = 1;
  for (const e of entries) parts.push(cpioEntry(e.name, e.mode, e.data, { ...e, ino: ino++ }));
  parts.push(cpioEntry('TRAILER!!!', 0, Buffer.alloc(0), { ino: 0 }));
  return Buffer.concat(parts);
}

// ---- build -------------------------------------------------------------------

/**
 * Build the initramfs, or reuse the cached one.
 * @param {{ cacheDir: string, busybox?: string, kernel?: { kernel: string, version: string, modulesDir: string } }} opts
 */
export function buildInitramfs(opts) {
  const { cacheDir } = opts;
  const busybox = opts.busybox ?? DEFAULT_BUSYBOX;
  const k = opts.kernel ?? findGuestKernel();
  if (!k.kernel) throw new Error(k.why);
  if (!fs.existsSync(busybox)) throw new Error(`${busybox} not found (apt-get install busybox-static)`);
  if (!isStaticElf(busybox)) throw new Error(`${busybox} is not a static x86-64 ELF (install busybox-static, not busybox)`);

  const mods = resolveModules(k.modulesDir);
  const init = fs.readFileSync(path.join(HERE, 'init.sh'));
  const busyboxData = fs.readFileSync(busybox);
  const modData = mods.map((m) => fs.readFileSync(m.file));

  const hash = createHash('sha256');
  hash.update(fs.readFileSync(fileURLToPath(import.meta.url)));
  hash.update(init);
  hash.update(busyboxData);
  mods.forEach((m, i) => hash.update(m.name).update(modData[i]));
  const key = `${k.version}-${hash.digest('hex').slice(0, 12)}`;
  const dir = path.join(cacheDir, key);
  const out = path.join(dir, 'initramfs.cpio');
  const info = { initramfs: out, kernel: k.kernel, kernelVersion: k.version, modules: mods.map((m) => m.name), cached: true };
  if (fs.existsSync(out)) return info;

  const names = mods.map((m, i) => `${String(i).padStart(2, '0')}-${m.name}.ko`);
  const entries = [
    ...['bin', 'dev', 'modules', 'proc', 'sys', 'newroot', 'job', 'tmp'].map((d) => ({ name: d, mode: 0o040755 })),
    { name: 'dev/console', mode: 0o020600, rdevMajor: 5, rdevMinor: 1 },
    { name: 'init', mode: 0o100755, data: init },
    { name: 'bin/busybox', mode: 0o100755, data: busyboxData },
    ...mods.map((m, i) => ({ name: `modules/${names[i]}`, mode: 0o100644, data: modData[i] })),
    { name: 'modules/order', mode: 0o100644, data: Buffer.from(names.join('\n') + '\n') },
  ];
  fs.mkdirSync(dir, { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, buildCpio(entries));
  fs.renameSync(tmp, out); // atomic: concurrent builders never see a partial file
  // Drop builds for this kernel that this one supersedes (a running QEMU has
  // already read its initrd into memory, so removing it under it is harmless).
  for (const other of fs.readdirSync(cacheDir)) {
    if (other !== key && other.startsWith(`${k.version}-`)) {
      fs.rmSync(path.join(cacheDir, other), { recursive: true, force: true });
    }
  }
  return { ...info, cached: false };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const i = args.indexOf('--cache-dir');
  const cacheDir = i >= 0 ? args[i + 1] : path.join(HERE, '..', '..', '.cache', 'qemu-guest');
  const info = buildInitramfs({ cacheDir: path.resolve(cacheDir) });
  if (args.includes('--json')) console.log(JSON.stringify(info));
  else console.log(`${info.cached ? 'reused' : 'built'} ${info.initramfs} (kernel ${info.kernelVersion}; modules ${info.modules.join(' ')})`);
}
