// Types for build-initramfs.mjs (imported by test/runtimes/qemu.ts).

export declare const GUEST_MODULES: string[];

export interface GuestKernel {
  kernel: string;
  version: string;
  modulesDir: string;
}

export declare function findGuestKernel(
  bootDir?: string,
  modulesRoot?: string,
): GuestKernel | { kernel: null; why: string };

export declare function resolveModules(modulesDir: string, wanted?: string[]): { name: string; file: string }[];

export declare function isStaticElf(file: string): boolean;

export interface InitramfsInfo {
  initramfs: string;
  kernel: string;
  kernelVersion: string;
  modules: string[];
  cached: boolean;
}

export declare function buildInitramfs(opts: { cacheDir: string; busybox?: string; kernel?: GuestKernel }): InitramfsInfo;
