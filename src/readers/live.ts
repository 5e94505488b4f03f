// The live host: reads the real system under "/". The only module that touches fs for facts.
import * as fs from 'node:fs';
import * as os from 'node:os';
import { type Host, type Read, type StatInfo, type FileType, MAX_READ_BYTES, readError } from './host.js';
import { runHelperProcess } from './helper-process.js';

export function errnoRead(path: string, err: unknown): Read<never> {
  const code = (err as NodeJS.ErrnoException)?.code ?? 'EIO';
  return readError(code, path);
}

/**
 * Reads at most `max` bytes (MAX_READ_BYTES unless told); /proc files report size 0, so read
 * until EOF. Past the cap: TRUNCATED. Opened O_NONBLOCK (a FIFO among the facts must not hang the
 * probe) unless `block` (an archive given as a pipe is read to its end).
 */
export function readCapped(path: string, encoding: 'utf8' | 'latin1' = 'utf8', opts: { max?: number; block?: boolean } = {}): Read<string> {
  const max = opts.max ?? MAX_READ_BYTES;
  let fd: number;
  try {
    fd = fs.openSync(path, fs.constants.O_RDONLY | (opts.block ? 0 : fs.constants.O_NONBLOCK) | fs.constants.O_NOCTTY);
  } catch (err) {
    return errnoRead(path, err);
  }
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(Math.min(65536, max + 1 - total));
      const n = fs.readSync(fd, buf, 0, buf.length, null);
      if (n <= 0) break;
      chunks.push(buf.subarray(0, n));
      total += n;
      if (total > max) {
        return readError('TRUNCATED', path, `TRUNCATED: ${path} is larger than ${max} bytes`);
      }
    }
    return { ok: true, value: Buffer.concat(chunks).toString(encoding) };
  } catch (err) {
    return errnoRead(path, err);
  } finally {
    fs.closeSync(fd);
  }
}

export function fileType(st: fs.Stats): FileType {
  if (st.isFile()) return 'file';
  if (st.isDirectory()) return 'dir';
  if (st.isSymbolicLink()) return 'link';
  if (st.isSocket()) return 'socket';
  if (st.isCharacterDevice()) return 'char';
  if (st.isBlockDevice()) return 'block';
  if (st.isFIFO()) return 'fifo';
  return 'other';
}

export function statInfo(st: fs.Stats): StatInfo {
  return {
    type: fileType(st),
    mode: st.mode & 0o7777,
    uid: st.uid,
    gid: st.gid,
    size: st.size,
    ino: st.ino,
    dev: st.dev,
    rdev: st.rdev,
  };
}

export function createLiveHost(): Host {
  return {
    root: '/',
    live: true,
    readFile: (path, encoding) => readCapped(path, encoding),
    readDir(path) {
      try {
        return { ok: true, value: fs.readdirSync(path).sort() };
      } catch (err) {
        return errnoRead(path, err);
      }
    },
    readLink(path) {
      try {
        return { ok: true, value: fs.readlinkSync(path) };
      } catch (err) {
        return errnoRead(path, err);
      }
    },
    stat(path) {
      try {
        return { ok: true, value: statInfo(fs.lstatSync(path)) };
      } catch (err) {
        return errnoRead(path, err);
      }
    },
    env: (name) => process.env[name],
    uname: () => ({ release: os.release(), version: os.version(), machine: os.machine() }),
    runHelper: (plan, opts) => runHelperProcess(plan, opts),
  };
}
