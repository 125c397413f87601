/**
 * readSysfsSnapshot on input that is not a good snapshot: every refusal is an
 * InputError (sysfs-snapshot-invalid, or unreadable-input for a missing file)
 * naming the file and where: the archive's byte offset or the manifest's line.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { formatDiagnostic, InputError } from '../../src/diagnostic.js';
import { readSysfsSnapshot } from '../../src/import/sysfs/read-sysfs-snapshot.js';

const work = mkdtempSync(join(tmpdir(), 'ridmap-sysfs-errors-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Entry {
  name: string;
  data?: string | Uint8Array;
  /** ustar typeflag: '0' file (default), '5' directory, '2' symbolic link. */
  type?: string;
}

/** A POSIX ustar archive (headers with checksums, data padded to 512), ended by two zero blocks. */
function ustar(entries: readonly Entry[]): Uint8Array {
  const blocks: Uint8Array[] = [];
  const enc = new TextEncoder();
  for (const e of entries) {
    const data = typeof e.data === 'string' ? enc.encode(e.data) : e.data ?? new Uint8Array(0);
    const h = new Uint8Array(512);
    const put = (at: number, text: string) => h.set(enc.encode(text), at);
    put(0, e.name);
    put(100, '0000644\0');
    put(108, '0000000\0');
    put(116, '0000000\0');
    put(124, `${data.length.toString(8).padStart(11, '0')}\0`);
    put(136, '00000000000\0');
    put(156, e.type ?? '0');
    put(257, 'ustar\x0000');
    put(148, '        ');
    const sum = h.reduce((a, b) => a + b, 0);
    put(148, `${sum.toString(8).padStart(6, '0')}\0 `);
    blocks.push(h);
    const padded = new Uint8Array(Math.ceil(data.length / 512) * 512);
    padded.set(data);
    blocks.push(padded);
  }
  blocks.push(new Uint8Array(1024));
  const out = new Uint8Array(blocks.reduce((n, b) => n + b.length, 0));
  let at = 0;
  for (const b of blocks) {
    out.set(b, at);
    at += b.length;
  }
  return out;
}

const GOOD_HEAD = 'ridmap-snapshot version 1\nsnapshot privileged yes\n';

async function refusal(name: string, bytes: Uint8Array): Promise<string> {
  const file = join(work, name);
  writeFileSync(file, bytes);
  const e = await readSysfsSnapshot(file).then(() => undefined, (err: unknown) => err);
  expect(e).toBeInstanceOf(InputError);
  return (e as InputError).diagnostics.map(formatDiagnostic).join('\n');
}

describe('readSysfsSnapshot refuses what is not a snapshot', () => {
  it('a file that is not a tar archive: the offset of the bad header', async () => {
    const text = await refusal('junk.tar', new TextEncoder().encode('x'.repeat(2048)));
    expect(text).toBe(`${join(work, 'junk.tar')}:tar@0x0: error [sysfs-snapshot-invalid]: not a tar header (bad checksum): the file is not a tar archive, or is cut or corrupt here`);
  });

  it('a bad header after good entries: its own offset', async () => {
    const tar = ustar([{ name: 'ridmap-snapshot/manifest.txt', data: GOOD_HEAD }]);
    tar.fill(0x41, 1024, 1536);
    expect(await refusal('bad-second.tar', tar)).toContain('bad-second.tar:tar@0x400: error [sysfs-snapshot-invalid]: not a tar header');
  });

  it('an entry that climbs out of the archive', async () => {
    const text = await refusal('climb.tar', ustar([{ name: 'ridmap-snapshot/../../etc/passwd', data: 'x' }]));
    expect(text).toContain('climb.tar:tar@0x0: error [sysfs-snapshot-invalid]: entry "ridmap-snapshot/../../etc/passwd" names a file outside the archive');
  });

  it('an entry cut short', async () => {
    const tar = ustar([{ name: 'ridmap-snapshot/manifest.txt', data: 'y'.repeat(3000) }]);
    expect(await refusal('cut.tar', tar.subarray(0, 1024))).toContain('cut.tar:tar@0x0: error [sysfs-snapshot-invalid]: the entry says 3000 bytes, the archive ends 512 bytes after its header');
  });

  it('corrupt gzip data', async () => {
    const gz = gzipSync(ustar([{ name: 'ridmap-snapshot/manifest.txt', data: GOOD_HEAD }]));
    expect(await refusal('corrupt.tar.gz', gz.subarray(0, 40))).toMatch(/corrupt\.tar\.gz:gzip: error \[sysfs-snapshot-invalid\]: cannot unpack the snapshot: gzip data is corrupt/);
  });

  it('a tar without a manifest', async () => {
    expect(await refusal('other.tar', ustar([{ name: 'notes.txt', data: 'hello' }]))).toContain('no ridmap-snapshot/manifest.txt in the archive: not a ridmap snapshot');
  });

  it('a manifest of another kind, another version, or with a broken line: its line', async () => {
    const wrap = (manifest: string) => ustar([{ name: 'ridmap-snapshot/manifest.txt', data: manifest }]);
    expect(await refusal('kind.tar', wrap('hello world\n'))).toContain('kind.tar:ridmap-snapshot/manifest.txt:1:1: error [sysfs-snapshot-invalid]: the first fact must be "ridmap-snapshot version N"');
    expect(await refusal('version.tar', wrap('# comment\nridmap-snapshot version 9\n'))).toContain('version.tar:ridmap-snapshot/manifest.txt:2:1: error [sysfs-snapshot-invalid]: manifest version 9; this ridmap reads version 1');
    expect(await refusal('line.tar', wrap(`${GOOD_HEAD}pci 0000:00:01.0\n`))).toContain('line.tar:ridmap-snapshot/manifest.txt:3:1: error [sysfs-snapshot-invalid]: "pci 0000:00:01.0" is not a fact (KIND NAME KEY VALUE)');
    expect(await refusal('sbdf.tar', wrap(`${GOOD_HEAD}pci 00:1f.2 group 3\n`))).toContain('sbdf.tar:ridmap-snapshot/manifest.txt:3:1: error [sysfs-snapshot-invalid]: "00:1f.2" is not a PCI function name (ssss:bb:dd.f)');
  });

  it('an archive packed again under another top directory, or none, still reads', async () => {
    for (const top of ['host-42/', '']) {
      const file = join(work, `renamed-${top.length}.tar`);
      writeFileSync(file, ustar([
        { name: `${top}manifest.txt`, data: `${GOOD_HEAD}pci 0000:00:01.0 config 4\n` },
        { name: `${top}sys/bus/pci/devices/0000:00:01.0/config`, data: new Uint8Array([0x86, 0x80, 0x34, 0x12]) },
      ]));
      const s = await readSysfsSnapshot(file);
      expect(s.functions.map((f) => f.sbdf)).toEqual(['0000:00:01.0']);
      expect(s.functions[0]!.config).toEqual(new Uint8Array([0x86, 0x80, 0x34, 0x12]));
    }
  });

  it('links and directories in the archive are not files', async () => {
    const tar = ustar([
      { name: 'ridmap-snapshot/', type: '5' },
      { name: 'ridmap-snapshot/manifest.txt', data: `${GOOD_HEAD}pci 0000:00:01.0 config 256\n` },
      { name: 'ridmap-snapshot/sys/bus/pci/devices/0000:00:01.0/config', type: '2' },
    ]);
    const file = join(work, 'links.tar');
    writeFileSync(file, tar);
    const s = await readSysfsSnapshot(file);
    expect(s.functions[0]!.config).toBeUndefined();
    expect(s.warnings.join('\n')).toContain('0000:00:01.0: the manifest lists a config space of 256 bytes, the snapshot has no file for it');
  });

  it('a path that does not exist: unreadable-input', async () => {
    await expect(readSysfsSnapshot(join(work, 'absent.tar.gz'))).rejects.toThrow(/unreadable-input.*no such file/);
  });
});

describe('readSysfsSnapshot is bounded', () => {
  it('an archive that unpacks past MAX_SNAPSHOT_BYTES is refused before it is held whole', async () => {
    const { MAX_SNAPSHOT_BYTES } = await import('../../src/limits.js');
    // 257 MiB of zeros gzip to ~256 KiB: a small file that would cost a lot.
    const started = Date.now();
    const bomb = gzipSync(new Uint8Array(MAX_SNAPSHOT_BYTES + 1024 * 1024), { level: 1 });
    const text = await refusal('bomb.tar.gz', bomb);
    expect(text).toContain(`bomb.tar.gz:gzip: error [sysfs-snapshot-invalid]: cannot unpack the snapshot: it unpacks to more than ${MAX_SNAPSHOT_BYTES} bytes`);
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});
