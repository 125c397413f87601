/** Drives that QEMU turns into a virtio-blk-pci function: the import says it leaves each out. */
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.js';

const LEFT_OUT = /warning \[qemu-ignored\]: `([^`]+)`: QEMU creates a virtio-blk-pci function for this drive/g;
const leftOut = (stderr: string) => [...stderr.matchAll(LEFT_OUT)].map((m) => m[1]);

describe('import qemu: drives that are PCI functions', () => {
  it('virt: -cdrom, -hda and -drive without if= are virtio-blk-pci (virt\'s default interface); if=none is not', async () => {
    const run = await runCli('import', 'qemu', '--', '-M', 'virt', '-nodefaults', '-cdrom', 'boot.iso', '-hda', 'a.img',
      '-drive', 'file=b.img', '-drive', 'file=c.img,if=none,id=c', '-device', 'virtio-blk-pci,drive=c');
    expect(run.code).toBe(0);
    expect(leftOut(run.stderr)).toEqual(['-cdrom boot.iso', '-hda a.img', '-drive file=b.img']);
  });

  it('q35: only if=virtio (its default interface is the built-in AHCI)', async () => {
    const run = await runCli('import', 'qemu', '--', '-M', 'q35', '-nodefaults', '-cdrom', 'boot.iso', '-drive', 'file=b.img',
      '-drive', 'file=v.img,if=virtio');
    expect(run.code).toBe(0);
    expect(leftOut(run.stderr)).toEqual(['-drive file=v.img,if=virtio']);
  });
});
