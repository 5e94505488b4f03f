// Types of test/runtimes/cri-client.mjs (for the TypeScript harness that imports it).
export interface CriConnection {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  call(method: string, request?: object, timeoutMs?: number): Promise<any>;
  close(): void;
}
export declare function criConnect(socket: string): CriConnection;
export declare function parseCriLog(text: string): { stdout: string; stderr: string };
