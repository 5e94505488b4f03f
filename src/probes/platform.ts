// CPU and firmware facts that name the machine underneath: cpuinfo, DMI (SMBIOS), the Xen
// hypervisor node, ACPI table OEM ids, and platform devices. CPUID itself comes from the helper.
import type { Host } from '../readers/host.js';
import { type Fact, invalid, known, parseRead, unknown } from './fact.js';

export interface CpuInfo {
  vendorId: string | null;
  modelName: string | null;
  hypervisorFlag: boolean;
  processors: number;
}

export const DMI_FIELDS = ['sys_vendor', 'product_name', 'product_version', 'bios_vendor', 'board_vendor'] as const;
export type DmiField = (typeof DMI_FIELDS)[number];

export interface PlatformFacts {
  cpuinfo: Fact<CpuInfo>;
  dmi: Record<DmiField, Fact<string>>;
  xenType: Fact<string>;
  /** OEM id of the first readable ACPI table (FACP): "FIRECK" on Firecracker, "BOCHS " on QEMU */
  acpiOemId: Fact<string>;
  /** names under /sys/bus/platform/devices, e.g. virtio-mmio.0, AMZNC10C:00 */
  platformDevices: Fact<string[]>;
  /** confidential-computing guest devices present: tdx_guest, sev-guest */
  confidentialDevices: string[];
}

export const CONFIDENTIAL_DEVICE_PATHS = ['/dev/tdx_guest', '/dev/tdx-guest', '/dev/sev-guest', '/sys/class/misc/tdx_guest', '/sys/class/misc/sev-guest'];

export function parseCpuinfo(text: string): CpuInfo | ReturnType<typeof invalid> {
  let vendorId: string | null = null, modelName: string | null = null, flags = '', processors = 0;
  for (const line of text.split('\n')) {
    const i = line.indexOf(':');
    if (i < 0) continue;
    const k = line.slice(0, i).trim(), v = line.slice(i + 1).trim();
    if (k === 'processor') processors++;
    else if (k === 'vendor_id' && vendorId === null) vendorId = v;
    else if (k === 'model name' && modelName === null) modelName = v;
    else if ((k === 'flags' || k === 'Features') && !flags) flags = v;
  }
  if (!processors && !vendorId && !modelName) return invalid('no processor entries');
  return { vendorId, modelName, hypervisorFlag: flags.split(/\s+/).includes('hypervisor'), processors };
}

const trimmed = (t: string) => t.replace(/\0/g, '').trim() || invalid('empty');

export function probePlatform(host: Host): PlatformFacts {
  const dmi = {} as PlatformFacts['dmi'];
  for (const f of DMI_FIELDS) dmi[f] = parseRead(host.readFile(`/sys/class/dmi/id/${f}`), `/sys/class/dmi/id/${f}`, trimmed);
  let acpiOemId: Fact<string> = unknown('no readable ACPI table', '/sys/firmware/acpi/tables');
  for (const table of ['FACP', 'APIC']) {
    const p = `/sys/firmware/acpi/tables/${table}`;
    const r = host.readFile(p, 'latin1');
    // ACPI table header: signature(4) length(4) revision(1) checksum(1) OEMID(6)
    if (r.ok && r.value.length >= 16 && r.value.slice(0, 4) === table) {
      acpiOemId = known(r.value.slice(10, 16).trim(), p);
      break;
    }
    if (!r.ok) acpiOemId = unknown(r.error.message, p);
  }
  const devs = host.readDir('/sys/bus/platform/devices');
  return {
    cpuinfo: parseRead(host.readFile('/proc/cpuinfo'), '/proc/cpuinfo', parseCpuinfo),
    dmi,
    xenType: parseRead(host.readFile('/sys/hypervisor/type'), '/sys/hypervisor/type', trimmed),
    acpiOemId,
    platformDevices: devs.ok ? known(devs.value, '/sys/bus/platform/devices') : unknown(devs.error.message, '/sys/bus/platform/devices'),
    // the /dev nodes, and the misc-class entries the guest's read-only /sys still shows inside a
    // container whose /dev lacks them (linux drivers/virt/coco/tdx-guest, sev-guest: misc devices)
    confidentialDevices: CONFIDENTIAL_DEVICE_PATHS.filter((p) => host.stat(p).ok),
  };
}
