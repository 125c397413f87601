/**
 * A QEMU command line as a list of options with their values. QEMU's own
 * rule: an option either takes no value (the flags below) or takes the next
 * argument, whatever it looks like; `--opt` is the same as `-opt`. The
 * binary may come first (`qemu-system-x86_64 -M q35 ...`).
 */
import { fail, problem, type ArgRef } from './problems.js';
import type { Diagnostic } from '../../diagnostic.js';

/** Options that take no value (qemu-options.hx, HAS_ARG absent). */
const FLAGS = new Set([
  '-nographic', '-nodefaults', '-S', '-s', '-snapshot', '-enable-kvm', '-no-reboot', '-no-shutdown', '-daemonize',
  '-no-acpi', '-no-hpet', '-no-fd-bootchk', '-usb', '-full-screen', '-no-quit', '-alt-grab', '-ctrl-grab', '-no-frame',
  '-sdl', '-curses', '-portrait', '-win2k-hack', '-no-user-config', '-nouserconfig', '-enable-fips', '-singlestep',
  '-one-insn-per-tb', '-preconfig', '-enable-sync-profile', '-perfmap', '-jitdump', '-semihosting', '-only-migratable',
  '-rtc-td-hack', '-no-kvm', '-no-kvm-irqchip', '-no-kvm-pit', '-no-kvm-pit-reinjection', '-enable-nesting',
  '-xen-attach', '-xen-domid-restrict', '-mem-prealloc', '-async-teardown', '-h', '-help', '-version', '-old-param',
]);

/** Options that take a value and that the importer either reads or knows it may ignore. */
const WITH_VALUE = new Set([
  '-M', '-machine', '-device', '-m', '-cpu', '-smp', '-numa', '-vga', '-display', '-nic', '-net', '-netdev', '-drive',
  '-blockdev', '-chardev', '-serial', '-monitor', '-qmp', '-qmp-pretty', '-mon', '-object', '-bios', '-pflash', '-kernel',
  '-initrd', '-append', '-dtb', '-boot', '-name', '-uuid', '-global', '-set', '-accel', '-rtc', '-k', '-audiodev', '-audio',
  '-fsdev', '-virtfs', '-cdrom', '-hda', '-hdb', '-hdc', '-hdd', '-fda', '-fdb', '-mtdblock', '-sd', '-usbdevice',
  '-tpmdev', '-incoming', '-loadvm', '-pidfile', '-D', '-d', '-L', '-trace', '-plugin', '-icount', '-overcommit',
  '-compat', '-action', '-sandbox', '-add-fd', '-readconfig', '-writeconfig', '-mem-path', '-acpitable', '-smbios',
  '-fw_cfg', '-gdb', '-parallel', '-debugcon', '-spice', '-vnc', '-iscsi', '-option-rom', '-semihosting-config',
  '-run-with', '-echr', '-tb-size', '-realtime', '-msg', '-watchdog', '-watchdog-action', '-dump-vmstate', '-seed',
  '-iothread', '-xen-domid', '-g', '-prom-env',
]);

export interface QemuArg extends ArgRef {
  /** The option, normalized to one dash: `-device`. */
  name: string;
  /** Its value; undefined for flags. */
  value?: string;
}

export interface SplitArgv {
  /** The binary, when the command line starts with one. */
  binary?: string;
  args: QemuArg[];
  warnings: Diagnostic[];
}

export function splitQemuArgv(argv: readonly string[]): SplitArgv {
  const withBinary = argv.length > 0 && !argv[0]!.startsWith('-');
  const offset = withBinary ? 1 : 0;
  const args: QemuArg[] = [];
  const warnings: Diagnostic[] = [];
  for (let i = offset; i < argv.length; i++) {
    const raw = argv[i]!;
    const at: ArgRef = { index: i, text: raw };
    if (!raw.startsWith('-') || raw === '-' || raw === '--') {
      // QEMU's one positional argument is a disk image (hda); there is no PCI function in it.
      warnings.push(problem('qemu-ignored', at, 'a bare argument (QEMU takes it as a disk image for hda); ignored', 'warning'));
      continue;
    }
    const name = raw.replace(/^--/, '-');
    if (FLAGS.has(name)) {
      args.push({ index: i, text: raw, name });
      continue;
    }
    if (!WITH_VALUE.has(name)) {
      warnings.push(problem('qemu-unknown-option', at, 'an option the importer does not know; assumed to take a value', 'warning'));
    }
    const value = argv[i + 1];
    if (value === undefined) fail('qemu-usage', at, `${name} needs a value`);
    args.push({ index: i, text: `${raw} ${value}`, name, value });
    i++;
  }
  return { ...(withBinary ? { binary: argv[0] } : {}), args, warnings };
}
