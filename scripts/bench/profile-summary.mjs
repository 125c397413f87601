#!/usr/bin/env node
// `node profile-summary.mjs FILE.cpuprofile [--top N]`: the frames with the
// most self time in a V8 CPU profile (node --cpu-prof), located in src/*.ts
// through dist's source maps, so each line points at the code to change.
import { existsSync, readFileSync } from 'node:fs';
import { SourceMap } from 'node:module';
import { relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { REPO_ROOT } from './paths.mjs';

/** Self time (ms) per frame: each sample's time runs until the next sample. */
function selfTimes(profile) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const { samples, timeDeltas } = profile;
  for (let i = 0; i < samples.length; i++) {
    const dt = i + 1 < samples.length ? timeDeltas[i + 1] : 0;
    const f = byId.get(samples[i]).callFrame;
    const key = `${f.functionName}\u0000${f.url}\u0000${f.lineNumber}\u0000${f.columnNumber}`;
    const e = self.get(key) ?? { frame: f, us: 0 };
    e.us += Math.max(0, dt);
    self.set(key, e);
  }
  return [...self.values()];
}

const maps = new Map();

/** The parsed source map of a generated file, or null (cached). */
function mapOf(file) {
  if (!maps.has(file)) maps.set(file, existsSync(`${file}.map`) ? new SourceMap(JSON.parse(readFileSync(`${file}.map`, 'utf8'))) : null);
  return maps.get(file);
}

/**
 * A position in generated code as the source it came from: the CLI bundle
 * (dist/bin) maps to tsc's output (dist/**), which maps to src/*.ts, so
 * maps are followed until a file has none. Positions are 0-based.
 */
function original(file, line, column) {
  for (let hop = 0; hop < 4; hop++) {
    const hit = mapOf(file)?.findEntry(line, column);
    if (!hit?.originalSource) break;
    const src = hit.originalSource.startsWith('file:') ? fileURLToPath(hit.originalSource) : fileURLToPath(new URL(hit.originalSource, pathToFileURL(file)));
    [file, line, column] = [src, hit.originalLine, hit.originalColumn];
  }
  return { file, line };
}

/** A frame's location as repo-relative file:line, in src/ where source maps lead there. */
function locate(f) {
  if (!f.url) return '';
  if (!f.url.startsWith('file:')) return `${f.url}:${f.lineNumber + 1}`;
  const { file, line } = original(fileURLToPath(f.url), f.lineNumber, f.columnNumber);
  return `${relative(REPO_ROOT, file)}:${line + 1}`;
}

/** The top `top` frames by self time, then the top `topFiles` files, as printable lines (with the total first). */
export function summarize(file, top = 15, topFiles = 8) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const frames = selfTimes(profile).sort((a, b) => b.us - a.us);
  const total = frames.reduce((s, e) => s + e.us, 0);
  const lines = [`${file}: ${(total / 1000).toFixed(0)} ms sampled`];
  lines.push('   self ms      %  function  (location)');
  for (const { frame, us } of frames.slice(0, top)) {
    const name = frame.functionName || '(anonymous)';
    const where = locate(frame);
    lines.push(`${(us / 1000).toFixed(1).padStart(9)}  ${((100 * us) / total).toFixed(1).padStart(5)}  ${name}${where ? `  (${where})` : ''}`);
  }
  // Per file too: start-up cost is spread thin over many modules' top-level code.
  const byFile = new Map();
  for (const { frame, us } of frames) {
    const where = locate(frame).replace(/:\d+$/, '') || frame.functionName;
    byFile.set(where, (byFile.get(where) ?? 0) + us);
  }
  lines.push('   self ms      %  file (all its frames)');
  for (const [where, us] of [...byFile].sort((a, b) => b[1] - a[1]).slice(0, topFiles)) {
    lines.push(`${(us / 1000).toFixed(1).padStart(9)}  ${((100 * us) / total).toFixed(1).padStart(5)}  ${where}`);
  }
  return lines.join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const [file] = process.argv.slice(2);
  const i = process.argv.indexOf('--top');
  if (!file) {
    console.error('usage: profile-summary.mjs FILE.cpuprofile [--top N]');
    process.exit(2);
  }
  console.log(summarize(file, i < 0 ? 15 : Number(process.argv[i + 1])));
}
