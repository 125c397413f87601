/**
 * A minimal QMP client over a unix socket: connect (retrying until QEMU has
 * created the socket), negotiate capabilities, run commands one at a time,
 * each bounded by a timeout. Events are ignored; the capture only asks.
 */
import { createConnection } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

const CONNECT_RETRY_MS = 50;

export class QmpError extends Error {}

/**
 * @param {string} socketPath
 * @param {number} timeoutMs  for the socket to appear and the greeting to arrive
 * @param {() => string | undefined} [whyDead]  tells why QEMU is gone, so a retry loop stops early
 */
export async function connectQmp(socketPath, timeoutMs, whyDead = () => undefined) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const dead = whyDead();
    if (dead) throw new QmpError(`QEMU exited before its QMP socket answered: ${dead}`);
    try {
      const client = await open(socketPath, Math.max(1, deadline - Date.now()));
      await client.command('qmp_capabilities', {}, Math.max(1, deadline - Date.now()));
      return client;
    } catch (e) {
      if (Date.now() >= deadline) throw new QmpError(`no QMP answer on ${socketPath} within ${timeoutMs} ms: ${String(e)}`);
      await sleep(CONNECT_RETRY_MS);
    }
  }
}

/** @param {string} socketPath @param {number} timeoutMs */
function open(socketPath, timeoutMs) {
  return new Promise((resolve, reject) => {
    const socket = createConnection(socketPath);
    let buffered = '';
    let greeted = false;
    /** @type {Map<number, { resolve: (v: unknown) => void, reject: (e: Error) => void }>} */
    const waiting = new Map();
    let nextId = 1;
    /** @param {Error} e */
    const rejectAll = (e) => {
      for (const w of waiting.values()) w.reject(e);
      waiting.clear();
    };
    const timer = setTimeout(() => fail(new QmpError('no QMP greeting')), timeoutMs);

    /** @param {Error} e */
    const fail = (e) => {
      clearTimeout(timer);
      socket.destroy();
      rejectAll(e);
      reject(e);
    };
    socket.on('error', fail);
    socket.on('close', () => rejectAll(new QmpError('QMP connection closed')));
    socket.on('data', (chunk) => {
      buffered += chunk.toString('utf8');
      for (let nl = buffered.indexOf('\n'); nl >= 0; nl = buffered.indexOf('\n')) {
        const line = buffered.slice(0, nl).trim();
        buffered = buffered.slice(nl + 1);
        if (!line) continue;
        const message = JSON.parse(line);
        if (message.QMP && !greeted) {
          greeted = true;
          clearTimeout(timer);
          resolve(client);
        } else if ('return' in message || 'error' in message) {
          // Answers carry the id of their command; one that timed out is dropped here.
          const w = waiting.get(message.id);
          if (!w) continue;
          waiting.delete(message.id);
          if (message.error) w.reject(new QmpError(`${message.error.class}: ${message.error.desc}`));
          else w.resolve(message.return);
        }
      }
    });

    const client = {
      /**
       * @param {string} execute
       * @param {Record<string, unknown>} args
       * @param {number} timeoutMs
       */
      command(execute, args, timeoutMs) {
        return new Promise((res, rej) => {
          const id = nextId++;
          const t = setTimeout(() => {
            waiting.delete(id);
            rej(new QmpError(`QMP ${execute} took more than ${timeoutMs} ms`));
          }, timeoutMs);
          waiting.set(id, {
            resolve: (v) => (clearTimeout(t), res(v)),
            reject: (e) => (clearTimeout(t), rej(e)),
          });
          socket.write(JSON.stringify({ execute, arguments: args, id }) + '\n');
        });
      },
      close() {
        socket.destroy();
      },
    };
  });
}
