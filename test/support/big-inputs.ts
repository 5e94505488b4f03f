// Enormous inputs shared by the bounds tests (test/probes/bounds.test.ts) and the parser
// benchmark (scripts/bench-parsers.mjs, which bundles this file).

/** A kernel command line of `bytes` bytes: key=value tokens, some quoted with spaces inside. */
export function bigCmdline(bytes: number): { text: string; tokens: number } {
  const parts: string[] = [];
  let len = 0, i = 0;
  while (len < bytes - 64) {
    const t = i % 7 === 0 ? `opt${i}="a quoted value ${i}"` : `key${i}=value${i}`;
    parts.push(t);
    len += t.length + 1;
    i++;
  }
  const text = parts.join(' ');
  return { text: text + ' '.repeat(Math.max(0, bytes - 1 - text.length)) + '\n', tokens: parts.length };
}

/** A mountinfo of `lines` lines. Realistic lines (a busy Kubernetes node's, ~170 bytes) put
 *  100,000 of them far past MAX_READ_BYTES; compact ones (~35 bytes) keep 100,000 under it. */
export function bigMountinfo(lines: number, shape: 'realistic' | 'compact' = 'realistic'): string {
  const out = ['22 1 0:21 / / ro,relatime - overlay overlay rw,lowerdir=/l,upperdir=/u,workdir=/w',
    '23 22 0:23 / /sys/fs/cgroup ro,nosuid - cgroup2 cgroup2 rw',
    '24 22 0:24 /var/lib/kubelet/pods/0b5c6e3e-6f1f-4b8e-9d3a-1c2b3d4e5f60/etc-hosts /etc/hosts rw - ext4 /dev/vda1 rw'];
  for (let i = out.length; i < lines; i++) {
    out.push(shape === 'compact'
      ? `${i + 100} 22 0:1 / /m\\040${i.toString(36)} rw - tmpfs t rw`
      : `${i + 100} 22 0:${i % 4096} /var/lib/kubelet/pods/0b5c6e3e-6f1f-4b8e-9d3a-1c2b3d4e5f60/volumes/v${i} /mnt/vol\\040${i} rw,nosuid,nodev,relatime shared:${i} - tmpfs tmpfs rw,size=${i}k,inode64`);
  }
  return out.join('\n') + '\n';
}

/** One maps line whose inode field and name are each `n` bytes, the name holding a \r: the shape
 *  that made parseMaps' regex backtrack quadratically before it took the s flag. */
export const hostileMapsLine = (n: number): string => '0-1 r p d ' + 'x'.repeat(n) + ' ' + 'y'.repeat(n) + '\rz\n';
