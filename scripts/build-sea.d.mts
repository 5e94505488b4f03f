// Types of scripts/build-sea.mjs (for the TypeScript tests that import it).
export declare const SEA_ASSET_KEY: 'sbx-helper';
export declare const SEA_FUSE: string;
export interface BuildSeaOptions {
  outDir: string;
  bundle: string;
  /** The static helper to embed as the asset "sbx-helper"; null/undefined: none. */
  helper?: string | null;
  /** Default true. */
  useCodeCache?: boolean;
  /** The node binary to copy (default process.execPath; linux-x64). */
  node?: string;
  /** File name inside outDir (default "sbx-detect"). */
  output?: string;
  quiet?: boolean;
}
export interface BuildSeaResult {
  path: string;
  size: number;
  useCodeCache: boolean;
  helperEmbedded: boolean;
}
export declare function buildSea(opts: BuildSeaOptions): Promise<BuildSeaResult>;
