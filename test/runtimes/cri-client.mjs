// A CRI (runtime.v1) client over containerd's gRPC socket, for the CRI pod harness
// (test/runtimes/cri.ts) and the CRI kubectl stand-in (test/kubectl/kubectl-cri-standin.mjs).
// The API's own .proto files come from Debian's golang-github-kubernetes-cri-api-dev and
// golang-github-gogo-protobuf-dev (trixie), unpacked under /opt/cri-proto by
// scripts/setup-runtimes.sh; @grpc/grpc-js and @grpc/proto-loader are devDependencies.
import { createRequire } from 'node:module';
import { join } from 'node:path';

const require = createRequire(import.meta.url);

/** Where setup-runtimes.sh unpacks the CRI API's protos (a Go source tree). */
const CRI_PROTO_SRC = '/opt/cri-proto/usr/share/gocode/src';
const CRI_API_PROTO = 'k8s.io/cri-api/pkg/apis/runtime/v1/api.proto';

let services = null;
function load() {
  if (services) return services;
  const grpc = require('@grpc/grpc-js');
  const loader = require('@grpc/proto-loader');
  const def = loader.loadSync(CRI_API_PROTO, {
    includeDirs: [CRI_PROTO_SRC, join(CRI_PROTO_SRC, 'github.com/gogo/protobuf/protobuf')],
    keepCase: true, longs: String, enums: String, defaults: true, oneofs: true,
  });
  services = { grpc, v1: grpc.loadPackageDefinition(def).runtime.v1 };
  return services;
}

/**
 * A connection to the CRI at `socket`: call(method, request, timeoutMs) for RuntimeService and
 * ImageService methods alike (by name); close() when done.
 */
export function criConnect(socket) {
  const { grpc, v1 } = load();
  const creds = grpc.credentials.createInsecure();
  const rt = new v1.RuntimeService(`unix://${socket}`, creds);
  const img = new v1.ImageService(`unix://${socket}`, creds);
  const call = (method, req = {}, timeoutMs = 120_000) => new Promise((resolve, reject) => {
    const svc = typeof rt[method] === 'function' ? rt : img;
    if (typeof svc[method] !== 'function') return reject(new Error(`no CRI method ${method}`));
    svc[method](req, { deadline: Date.now() + timeoutMs }, (err, res) => {
      if (err) reject(Object.assign(new Error(`CRI ${method}: ${err.details || err.message}`), { code: err.code, rpc: method }));
      else resolve(res);
    });
  });
  return { call, close: () => { rt.close(); img.close(); } };
}

/**
 * The CRI log format (kubelet's, written by the runtime): `TIMESTAMP STREAM TAG CONTENT`, where
 * TAG P is a partial line continued by the next record and F ends it.
 */
export function parseCriLog(text) {
  const out = { stdout: '', stderr: '' };
  for (const line of text.split('\n')) {
    const m = /^\S+ (stdout|stderr) ([PF]) ?(.*)$/.exec(line);
    if (!m) continue;
    out[m[1]] += m[2] === 'F' ? `${m[3]}\n` : m[3];
  }
  return out;
}
