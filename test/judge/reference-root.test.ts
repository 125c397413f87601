/**
 * The reference root's reader (src/judge/reference-root.ts) on a fake root made
 * in a temp dir with the layout scripts/reference-root.sh writes: no chroot, no
 * root privileges, no Debian mirror needed.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { bootJudge } from '../../src/judge/boot.js';
import {
  bookwormRoot, chrootArgv, chrootPrefix, DEFAULT_REFERENCE_ROOT, findReferenceRoot, hostPathOf, pathInRoot, REFERENCE_ROOT_RECIPE,
  referenceKernel, referenceRootPath, rootTempDir,
} from '../../src/judge/reference-root.js';
import { REPO_ROOT } from '../support/paths.js';

const made: string[] = [];
afterAll(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A root as the script leaves it (at `at`, else in a new temp dir): three kernels, one with modules, two with none; the stamp lists two unless told. */
function fakeRoot(stamp: { recipe?: number; kernels?: string; release?: string; qemuVersion?: string } = {}, at?: string): string {
  const root = at ?? mkdtempSync(join(tmpdir(), 'ridmap-fake-root-'));
  if (at === undefined) made.push(root);
  const kernel = (series: string, arch: string, version: string, modules: string[], config: string) => {
    const dir = join(root, 'opt/ridmap/kernels', series, arch);
    mkdirSync(join(dir, 'modules'), { recursive: true });
    writeFileSync(join(dir, 'vmlinuz'), 'MZ');
    writeFileSync(join(dir, 'busybox'), '\x7fELF');
    writeFileSync(join(dir, 'kernel-version'), `${version}\n`);
    writeFileSync(join(dir, 'config.txt'), config);
    writeFileSync(join(dir, 'modules.order'), modules.map((m) => `${m}\n`).join(''));
    for (const m of modules) writeFileSync(join(dir, 'modules', m), '\x7fELF');
  };
  kernel('6.12', 'arm64', '6.12.118+deb13-arm64', ['pci-stub.ko', 'virtio-iommu.ko', 'arm-smmu-v3.ko'],
    '# CONFIG_INTEL_IOMMU is not set\nCONFIG_ARM_SMMU_V3=m\nCONFIG_VIRTIO_IOMMU=m\nCONFIG_PCI_STUB=m\nCONFIG_ACPI_TABLE_UPGRADE=y\n');
  kernel('6.1', 'amd64', '6.1.0-57-amd64', [], '# CONFIG_ARM_SMMU_V3 is not set\nCONFIG_VIRTIO_IOMMU=y\nCONFIG_PCI_STUB=y\n');
  kernel('7.3', 'riscv64', '7.3.4+deb13-riscv64', [], 'CONFIG_ACPI=y\nCONFIG_RISCV_IOMMU=y\nCONFIG_RISCV_IOMMU_PCI=y\nCONFIG_ACPI_RIMT=y\n');
  writeFileSync(join(root, '.ridmap-root'), [
    `recipe=${stamp.recipe ?? REFERENCE_ROOT_RECIPE}`,
    `release=${stamp.release ?? 'trixie'}`,
    `qemuVersion=${stamp.qemuVersion ?? '11.1.3'}`,
    'iaslVersion=20250404',
    'dtcVersion=1.7.2',
    `kernels=${stamp.kernels ?? '6.1/amd64:6.1.0-57-amd64 6.12/arm64:6.12.118+deb13-arm64'}`,
    'packages=qemu-system-x86=1:11.1.3+ds-2~bpo13+1 acpica-tools=20250404-1',
    '',
  ].join('\n'));
  return root;
}

describe('reference root: finding it', () => {
  it('is RIDMAP_REFERENCE_ROOT when set, else the default path outside the clone', () => {
    expect(referenceRootPath({ RIDMAP_REFERENCE_ROOT: '/srv/ref/' })).toBe('/srv/ref');
    expect(referenceRootPath({})).toBe(DEFAULT_REFERENCE_ROOT);
    expect(referenceRootPath({ RIDMAP_REFERENCE_ROOT: '' })).toBe(DEFAULT_REFERENCE_ROOT);
  });

  it('reads the pinned versions and every kernel with its modules in load order and its config', () => {
    const path = fakeRoot();
    const { root, missing } = findReferenceRoot(path);
    expect(missing).toBeUndefined();
    expect(root!.path).toBe(path);
    expect(root!.release).toBe('trixie');
    expect([root!.qemuVersion, root!.iaslVersion, root!.dtcVersion]).toEqual(['11.1.3', '20250404', '1.7.2']);
    expect(root!.stamp.get('packages')).toBe('qemu-system-x86=1:11.1.3+ds-2~bpo13+1 acpica-tools=20250404-1');
    expect(root!.kernels.map((k) => `${k.series}/${k.assets.arch} ${k.assets.kernelVersion}`)).toEqual(['6.1/amd64 6.1.0-57-amd64', '6.12/arm64 6.12.118+deb13-arm64']);
    const arm = referenceKernel(root!, '6.12', 'arm64')!.assets;
    const dir = join(path, 'opt/ridmap/kernels/6.12/arm64');
    expect(arm.vmlinuz).toBe(join(dir, 'vmlinuz'));
    expect(arm.busybox).toBe(join(dir, 'busybox'));
    expect(arm.modules).toEqual(['pci-stub.ko', 'virtio-iommu.ko', 'arm-smmu-v3.ko'].map((m) => join(dir, 'modules', m)));
    expect([...arm.config]).toEqual([['ARM_SMMU_V3', 'm'], ['VIRTIO_IOMMU', 'm'], ['PCI_STUB', 'm'], ['ACPI_TABLE_UPGRADE', 'y']]);
    const x86 = referenceKernel(root!, '6.1', 'amd64')!.assets;
    expect(x86.modules).toEqual([]);
    expect(x86.config.get('PCI_STUB')).toBe('y');
    expect(x86.config.has('ARM_SMMU_V3')).toBe(false);
    expect(referenceKernel(root!, '7.3', 'amd64')).toBeUndefined();
  });

  it('reads a riscv64 kernel (recipe 3) beside the others', () => {
    const path = fakeRoot({ kernels: '6.1/amd64:6.1.0-57-amd64 7.3/riscv64:7.3.4+deb13-riscv64' });
    const { root, missing } = findReferenceRoot(path);
    expect(missing).toBeUndefined();
    const riscv = referenceKernel(root!, '7.3', 'riscv64')!.assets;
    expect([riscv.arch, riscv.kernelVersion, riscv.vmlinuz]).toEqual(['riscv64', '7.3.4+deb13-riscv64', join(path, 'opt/ridmap/kernels/7.3/riscv64/vmlinuz')]);
    expect(riscv.config.get('ACPI_RIMT')).toBe('y');
    expect(referenceKernel(root!, '6.1', 'riscv64')).toBeUndefined();
  });

  it('finds the nested bookworm root with Debian 12\'s QEMU, a reference root of its own with the same kernels', () => {
    const path = fakeRoot();
    expect(bookwormRoot(findReferenceRoot(path).root!).missing).toBe(
      `no reference root at ${join(path, 'opt/ridmap/bookworm')} (run scripts/reference-root.sh as root)`);
    fakeRoot({ release: 'bookworm', qemuVersion: '7.2.22' }, join(path, 'opt/ridmap/bookworm'));
    const nested = bookwormRoot(findReferenceRoot(path).root!).root!;
    expect([nested.path, nested.release, nested.qemuVersion]).toEqual([join(path, 'opt/ridmap/bookworm'), 'bookworm', '7.2.22']);
    expect(referenceKernel(nested, '6.12', 'arm64')!.assets.vmlinuz).toBe(join(path, 'opt/ridmap/bookworm/opt/ridmap/kernels/6.12/arm64/vmlinuz'));
  });

  it('says why there is none: not built, built by another recipe, or a listed kernel missing', () => {
    const nowhere = join(tmpdir(), 'ridmap-no-root-here');
    expect(findReferenceRoot(nowhere).missing).toBe(`no reference root at ${nowhere} (run scripts/reference-root.sh as root)`);
    const old = fakeRoot({ recipe: REFERENCE_ROOT_RECIPE - 1 });
    expect(findReferenceRoot(old).missing).toBe(
      `the reference root at ${old} was built by recipe ${REFERENCE_ROOT_RECIPE - 1}, this checkout needs recipe ${REFERENCE_ROOT_RECIPE} (run scripts/reference-root.sh as root to rebuild it)`);
    const partial = fakeRoot({ kernels: '6.1/amd64:6.1.0-57-amd64 7.3/amd64:7.3.4+deb13-amd64' });
    expect(findReferenceRoot(partial).missing).toBe(
      `the reference root at ${partial} lists kernel "7.3/amd64:7.3.4+deb13-amd64" but does not hold it (run scripts/reference-root.sh as root to rebuild it)`);
  });

  it('the script reuses a complete root of its recipe at once, printing its stamp, without touching apt', () => {
    const path = fakeRoot();
    const started = Date.now();
    const run = spawnSync('bash', [join(REPO_ROOT, 'scripts/reference-root.sh'), path], { encoding: 'utf8' });
    const elapsed = Date.now() - started;
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.split('\n').slice(0, 6)).toEqual([`root=${path}`, 'release=trixie', 'qemuVersion=11.1.3', 'iaslVersion=20250404', 'dtcVersion=1.7.2',
      'kernels=6.1/amd64:6.1.0-57-amd64 6.12/arm64:6.12.118+deb13-arm64']);
    expect(run.stderr).toBe('');
    expect(elapsed).toBeLessThan(1000);
    // Given relative to the working directory, the root is still printed as an absolute path.
    const relative = spawnSync('bash', [join(REPO_ROOT, 'scripts/reference-root.sh'), basename(path)], { encoding: 'utf8', cwd: dirname(path) });
    expect(relative.stdout.split('\n')[0]).toBe(`root=${path}`);
  });

  // As root only (debootstrap), and only where debootstrap is installed (CI's script run installs it).
  const canBuild = process.getuid?.() === 0 && spawnSync('debootstrap', ['--version']).status === 0;
  it.skipIf(!canBuild)('the script fails loudly when the build fails, and leaves no half root or build directory behind', () => {
    const parent = mkdtempSync(join(tmpdir(), 'ridmap-root-fail-'));
    made.push(parent);
    // Nothing listens on the discard port of the loopback address: debootstrap cannot fetch the Release file.
    const run = spawnSync('bash', [join(REPO_ROOT, 'scripts/reference-root.sh'), join(parent, 'root')], {
      encoding: 'utf8', env: { ...process.env, RIDMAP_DEBIAN_MIRROR: 'http://127.0.0.1:9/debian' }, timeout: 60_000,
    });
    expect(run.status, run.stderr).toBe(2);
    expect(run.stderr).toContain('Failed getting release file http://127.0.0.1:9/debian/dists/trixie/Release');
    expect(run.stderr).toContain('reference-root: debootstrap trixie failed (log above)');
    expect(run.stdout).toBe('');
    expect(readdirSync(parent)).toEqual(['root.lock']);
  });

  it('expects the recipe the script builds', () => {
    const script = readFileSync(join(REPO_ROOT, 'scripts/reference-root.sh'), 'utf8');
    expect(/^RECIPE=(\d+)$/m.exec(script)?.[1]).toBe(String(REFERENCE_ROOT_RECIPE));
  });
});

describe('reference root: running a peer inside it', () => {
  const root = '/var/cache/ridmap/reference-root';

  it('maps host paths inside the root to what the chrooted peer sees, and back', () => {
    expect(pathInRoot(root, `${root}/tmp/ridmap-judge-x/initrd.cpio`)).toBe('/tmp/ridmap-judge-x/initrd.cpio');
    expect(pathInRoot(`${root}/`, root)).toBe('/');
    expect(pathInRoot(root, `${root}/../reference-root.old/x`)).toBeUndefined();
    expect(pathInRoot(root, `${root}.build.1/x`)).toBeUndefined();
    expect(pathInRoot(root, '/tmp/x')).toBeUndefined();
    expect(hostPathOf(root, '/opt/ridmap/kernels/6.12/amd64/vmlinuz')).toBe(`${root}/opt/ridmap/kernels/6.12/amd64/vmlinuz`);
    expect(rootTempDir(`${root}/`)).toBe(`${root}/tmp`);
  });

  it('runs the peer as chroot ROOT BINARY, every root path on its command line rewritten, also inside options', () => {
    expect(chrootPrefix(`${root}/`, 'qemu-system-x86_64')).toEqual(['chroot', root, 'qemu-system-x86_64']);
    const vmlinuz = `${root}/opt/ridmap/kernels/6.12/amd64/vmlinuz`;
    expect(chrootArgv(root, 'qemu-system-x86_64', [
      '-M', 'q35', '-serial', `file:${root}/tmp/j/kernel.log`, '-kernel', vmlinuz, '-initrd', `${root}/tmp/j/initrd.cpio`,
      '-bios', '/usr/share/qemu/OVMF.fd', '-append', 'console=ttyS0',
    ], [vmlinuz])).toEqual([
      'chroot', root, 'qemu-system-x86_64',
      '-M', 'q35', '-serial', 'file:/tmp/j/kernel.log', '-kernel', '/opt/ridmap/kernels/6.12/amd64/vmlinuz', '-initrd', '/tmp/j/initrd.cpio',
      '-bios', '/usr/share/qemu/OVMF.fd', '-append', 'console=ttyS0',
    ]);
  });

  it('refuses a file the peer must open that lies outside the root, naming it', () => {
    expect(() => chrootArgv(root, 'qemu-system-x86_64', ['-kernel', '/home/me/vmlinuz'], ['/home/me/vmlinuz']))
      .toThrow(`/home/me/vmlinuz lies outside the reference root ${root}: a peer running inside it cannot open it (use the root's own copy)`);
  });

  it('bootJudge in a root refuses a kernel outside it before starting QEMU, and leaves the root\'s /tmp clean', async () => {
    const path = fakeRoot();
    mkdirSync(join(path, 'tmp'));
    const assets = { ...referenceKernel(findReferenceRoot(path).root!, '6.1', 'amd64')!.assets, vmlinuz: '/boot/vmlinuz-elsewhere' };
    await expect(bootJudge({ assets, machineArgs: ['-M', 'q35'], tables: [], root: path }))
      .rejects.toThrow(`/boot/vmlinuz-elsewhere lies outside the reference root ${path}`);
    expect(readdirSync(join(path, 'tmp'))).toEqual([]);
  });
});
