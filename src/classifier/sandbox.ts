// The sandbox class: one ordered decision over the scored signal table. Specific sandboxes
// (gVisor, Kata, Sysbox, LXC, nspawn, nesting, namespace tools) refine the generic evidence of
// "an OCI container" and win when their own evidence is strong enough; then runc-class; then
// no container. Below the threshold the answer is "unknown", not a guess.
import type { Facts } from '../probes/index.js';
import { type Evidence, confidence, scoreSignals, type ConfidenceLabel } from './score.js';
import { SANDBOX_SIGNALS, type SandboxClass } from './sandbox-signals.js';
import { nsInitial } from './evidence.js';

export const THRESHOLD = 4;
const SPECIFIC: readonly SandboxClass[] = ['gvisor', 'kata', 'sysbox', 'lxc', 'nspawn', 'nested', 'namespace-sandbox'];

export interface Candidate { class: SandboxClass; score: number; lostBecause: string }

export interface SandboxVerdict {
  /** 'container': in a pid namespace of its own (and not the initial mount namespace), but no
   *  class reached the threshold */
  class: SandboxClass | 'container' | 'unknown';
  score: number;
  confidence: number;
  confidenceLabel: ConfidenceLabel;
  evidence: Evidence[];
  candidates: Candidate[];
  faults: string[];
}

export function classifySandbox(f: Facts): SandboxVerdict {
  const scored = scoreSignals(SANDBOX_SIGNALS, f);
  const score = (c: SandboxClass) => scored.ranking.find((r) => r.candidate === c)?.score ?? 0;
  const specific = SPECIFIC.filter((c) => score(c) >= THRESHOLD).sort((a, b) => score(b) - score(a));
  const decided: SandboxClass | 'unknown' = specific.length ? specific[0]
    : score('runc-class') >= THRESHOLD && score('runc-class') > score('none') ? 'runc-class'
      : score('none') >= THRESHOLD ? 'none' : 'unknown';
  // below every threshold, a process in a pid and a mount namespace of its own is still in a
  // container of some kind: say that, with the evidence, rather than "unknown"
  // (the mount namespace's inode is fixed only on recent kernels: unknown counts, initial does not)
  const ownNamespaces = nsInitial(f, 'pid') === false && nsInitial(f, 'mnt') !== true;
  const winner: SandboxClass | 'container' | 'unknown' = decided === 'unknown' && ownNamespaces ? 'container' : decided;

  if (winner === 'container') {
    const best = scored.ranking.find((r) => r.score > 0);
    // the namespaces' weight against "none" is what speaks for a container here
    const nsScore = -score('none');
    const conf = confidence(Math.max(0, nsScore), best?.score ?? 0);
    return {
      class: winner, score: nsScore, confidence: Math.min(conf.value, 0.6), confidenceLabel: conf.value >= 0.4 ? 'medium' : 'low',
      evidence: scored.evidence,
      candidates: scored.ranking.map((r) => ({ class: r.candidate, score: r.score, lostBecause: `score ${r.score} is below the threshold ${THRESHOLD}` })),
      faults: scored.faults,
    };
  }

  const winScore = winner === 'unknown' ? 0 : score(winner);
  const others = scored.ranking.filter((r) => r.candidate !== winner);
  // the generic runc-class evidence supports a specific winner rather than competing with it
  const rival = others.filter((r) => !(SPECIFIC.includes(winner as SandboxClass) && r.candidate === 'runc-class'));
  const conf = winner === 'unknown' ? { value: 0, label: 'low' as const } : confidence(winScore, rival[0]?.score ?? 0);
  const candidates: Candidate[] = others.map((r) => ({
    class: r.candidate,
    score: r.score,
    lostBecause:
      winner === 'unknown' ? `score ${r.score} is below the threshold ${THRESHOLD}`
        : r.candidate === 'runc-class' && SPECIFIC.includes(winner as SandboxClass) ? `${winner} is a more specific explanation of the same container evidence`
          : r.score < THRESHOLD ? `score ${r.score} is below the threshold ${THRESHOLD}`
            : `score ${r.score} against ${winner}'s ${winScore}`,
  }));
  return {
    class: winner,
    score: winScore,
    confidence: conf.value,
    confidenceLabel: conf.label,
    evidence: scored.evidence,
    candidates,
    faults: scored.faults,
  };
}
