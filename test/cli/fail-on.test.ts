/**
 * `--fail-on warning` and `--strict` (issue 22): a warning-only result exits
 * 1, the findings exit code, on check, decode and map; by default warnings
 * still exit 0.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../support/paths.js';
import { runCli } from '../support/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'ridmap-fail-on-'));
/** A VIOT whose virtio-iommu sits behind a root port that moves when the OS renumbers: warnings, no errors. */
const viotTopology = join(REPO_ROOT, 'test/fixtures/topology-valid/viot-behind-a-port.yaml');
/** The QEMU DMAR with its checksum byte off by one: a warning when decoded, nothing unreadable. */
const badChecksum = join(tmp, 'DMAR-bad-checksum.dat');
const dmar = readFileSync(join(REPO_ROOT, 'test/fixtures/qemu-acpi-tests/q35-dmar-11.1/DMAR.dat'));
dmar[9] = (dmar[9]! + 1) & 0xff;
writeFileSync(badChecksum, dmar);
/** Two different DMARs in one dump: Linux reads the first, the map warns of the second. */
const twoDmars = join(REPO_ROOT, 'test/fixtures/checks/table-repeated.txt');

describe('--fail-on warning, --strict', () => {
  it('check: a VIOT that renumbering breaks exits 0 by default, 1 under --fail-on warning and --strict', async () => {
    const plain = await runCli('check', viotTopology, '--numbering', 'compact');
    expect(plain.code).toBe(0);
    expect(plain.stderr).toMatch(/warning \[renumbering-changes-device\]/);
    expect(plain.stderr).not.toMatch(/error \[/);
    expect((await runCli('check', viotTopology, '--numbering', 'compact', '--fail-on', 'warning')).code).toBe(1);
    expect((await runCli('check', viotTopology, '--numbering', 'compact', '--strict')).code).toBe(1);
    expect((await runCli('check', viotTopology, '--numbering', 'compact', '--fail-on', 'error')).code).toBe(0);
  });

  it('check --strict of a clean input still exits 0', async () => {
    const run = await runCli('check', join(REPO_ROOT, 'tables/q35-vtd-pci-bridge.yaml'), '--strict');
    expect(run.code).toBe(0);
  });

  it('decode: a wrong checksum is a warning; exit 1 only under --strict', async () => {
    const plain = await runCli('decode', badChecksum);
    expect(plain.code).toBe(0);
    expect(plain.stderr).toMatch(/warning \[/);
    const strict = await runCli('decode', badChecksum, '--strict');
    expect(strict.code).toBe(1);
    expect(strict.stdout).toBe(plain.stdout);
  });

  it('map: a second, different DMAR is a warning; exit 1 only under --fail-on warning', async () => {
    const plain = await runCli('map', twoDmars);
    expect(plain.code).toBe(0);
    expect(plain.stderr).toMatch(/warning \[table-repeated\]/);
    expect((await runCli('map', twoDmars, '--fail-on', 'warning')).code).toBe(1);
  });

  it('another severity is a usage error (2)', async () => {
    const run = await runCli('check', viotTopology, '--fail-on', 'info');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Allowed choices are error, warning/);
  });
});
