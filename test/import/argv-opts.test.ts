import { describe, expect, it } from 'vitest';
import { splitQemuArgv } from '../../src/import/qemu/argv.js';
import { OptsSyntaxError, parseBool, parseOpts, parsePciAddr, parseUint } from '../../src/import/qemu/opts.js';
import { InputError } from '../../src/diagnostic.js';

describe('splitQemuArgv', () => {
  it('pairs options with values, knows flags, takes -- as -, and keeps argv positions', () => {
    const { binary, args, warnings } = splitQemuArgv(['qemu-system-x86_64', '-M', 'q35', '-nographic', '--device', 'e1000', '-S']);
    expect(binary).toBe('qemu-system-x86_64');
    expect(args.map((a) => [a.name, a.value, a.index])).toEqual([
      ['-M', 'q35', 1],
      ['-nographic', undefined, 3],
      ['-device', 'e1000', 4],
      ['-S', undefined, 6],
    ]);
    expect(args[2]!.text).toBe('--device e1000');
    expect(warnings).toEqual([]);
  });

  it('takes the next argument as the value whatever it looks like', () => {
    expect(splitQemuArgv(['-append', '-quiet console=ttyS0']).args[0]!.value).toBe('-quiet console=ttyS0');
  });

  it('warns about unknown options (assumed to take a value) and bare arguments', () => {
    const { args, warnings } = splitQemuArgv(['-M', 'q35', '-frobnicate', 'x', 'disk.img']);
    expect(args.map((a) => a.name)).toEqual(['-M', '-frobnicate']);
    expect(warnings.map((w) => [w.code, w.path])).toEqual([
      ['qemu-unknown-option', 'argv[2]'],
      ['qemu-ignored', 'argv[4]'],
    ]);
  });

  it('refuses an option without its value, naming it', () => {
    expect(() => splitQemuArgv(['-M', 'q35', '-device'])).toThrow(InputError);
    try {
      splitQemuArgv(['-M', 'q35', '-device']);
    } catch (e) {
      expect((e as InputError).diagnostics[0]).toMatchObject({ code: 'qemu-usage', path: 'argv[2]' });
    }
  });
});

describe('parseOpts (QemuOpts syntax)', () => {
  it('reads the implied key, key=value pairs, ",," escapes and bare booleans', () => {
    const { props } = parseOpts('e1000,id=a,,b,bus=pcie.0,multifunction,noshpc', 'driver');
    expect([...props]).toEqual([
      ['driver', 'e1000'],
      ['id', 'a,b'],
      ['bus', 'pcie.0'],
      ['multifunction', 'on'],
      ['shpc', 'off'],
    ]);
  });

  it('lets a later setting win and accepts an explicit implied key', () => {
    expect(parseOpts('type=q35,accel=tcg,accel=kvm', 'type').props.get('accel')).toBe('kvm');
    expect(parseOpts('type=virt', 'type').props.get('type')).toBe('virt');
  });

  it('reads a JSON -device, an integer addr being a devfn', () => {
    const { props } = parseOpts('{"driver": "e1000", "id": "n", "addr": 25, "multifunction": true, "bus": "pcie.0"}', 'driver');
    expect(Object.fromEntries(props)).toEqual({ driver: 'e1000', id: 'n', addr: '3.1', multifunction: 'on', bus: 'pcie.0' });
    expect(() => parseOpts('{"driver": ', 'driver')).toThrow(OptsSyntaxError);
    expect(() => parseOpts('{"driver": "e1000", "x": [1]}', 'driver')).toThrow(/string, number or boolean/);
  });
});

describe('values', () => {
  it('parseBool takes QEMU\'s words', () => {
    for (const t of ['on', 'yes', 'true', 'y']) expect(parseBool(t)).toBe(true);
    for (const f of ['off', 'no', 'false', 'n']) expect(parseBool(f)).toBe(false);
    expect(() => parseBool('1')).toThrow(OptsSyntaxError);
  });

  it('parseUint reads hex, octal and decimal as QEMU does, within bounds', () => {
    expect(parseUint('0x10', 0xff)).toBe(16);
    expect(parseUint('010', 0xff)).toBe(8);
    expect(parseUint('16', 0xff)).toBe(16);
    expect(() => parseUint('300', 0xff)).toThrow(/maximum 255/);
    expect(() => parseUint('-1', 0xff)).toThrow(OptsSyntaxError);
  });

  it('parsePciAddr reads slot and slot.function in hex, with or without 0x', () => {
    expect(parsePciAddr('3')).toBe(0x18);
    expect(parsePciAddr('0x3')).toBe(0x18);
    expect(parsePciAddr('03.1')).toBe(0x19);
    expect(parsePciAddr('3.1')).toBe(0x19);
    expect(parsePciAddr('0x3.0x1')).toBe(0x19);
    expect(parsePciAddr('1f.7')).toBe(0xff);
    for (const bad of ['0x20', '3.8', 'zz', '3.', '']) expect(() => parsePciAddr(bad), bad).toThrow(OptsSyntaxError);
  });
});
