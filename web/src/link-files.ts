/**
 * Files of one's own in a link (url-state.ts): each file deflated and
 * written in base64url, so that a bug report's link opens the very tables its
 * writer saw, still without anything leaving the browser (the hash is never
 * sent to a server). Links are kept to LINK_DATA_LIMIT characters of packed
 * data: a QEMU guest's DMAR, IORT or VIOT packs to a few hundred, a small
 * topology to a few thousand, while a whole acpidump with its DSDT does not
 * fit and its link says so instead of growing past what trackers and mail
 * keep.
 */
import { latin1Text } from '../../src/codec/bytes.js';
import { MAX_INPUT_BYTES } from '../../src/limits.js';

/** Characters of packed data all the files of a link may take together. */
export const LINK_DATA_LIMIT = 32 * 1024;

/** One file as a link carries it: its name and its bytes deflated, in base64url. */
export interface LinkFile {
  name: string;
  data: string;
}

/** A link's file that cannot be unpacked, with the reason. */
export class LinkFileError extends Error {}

/** The file packed for a link. */
export async function packFile(name: string, bytes: Uint8Array): Promise<LinkFile> {
  const stream = new Blob([bytes as BlobPart]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  const packed = new Uint8Array(await new Response(stream).arrayBuffer());
  return { name, data: btoa(latin1Text(packed)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '') };
}

/** The bytes a link's file holds; a LinkFileError when the link was cut short or altered. */
export async function unpackFile(file: LinkFile): Promise<Uint8Array> {
  if (!/^[A-Za-z0-9_-]*$/.test(file.data) || file.data.length % 4 === 1) {
    throw new LinkFileError('its data is not base64url (the link may have been cut short or altered)');
  }
  const text = atob(file.data.replace(/-/g, '+').replace(/_/g, '/'));
  const packed = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) packed[i] = text.charCodeAt(i);
  const reader = new Blob([packed]).stream().pipeThrough(new DecompressionStream('deflate-raw')).getReader();
  // Read piece by piece and stop at the CLI's input limit: a few kilobytes of deflate can claim gigabytes.
  const pieces: Uint8Array[] = [];
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.length;
      if (total > MAX_INPUT_BYTES) {
        await reader.cancel();
        throw new LinkFileError(`it unpacks to more than ${MAX_INPUT_BYTES} bytes, the limit of an input`);
      }
      pieces.push(value);
    }
  } catch (e) {
    if (e instanceof LinkFileError) throw e;
    throw new LinkFileError('its data is not deflate data that ends where the link does (the link may have been cut short or altered)');
  }
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const p of pieces) {
    bytes.set(p, at);
    at += p.length;
  }
  return bytes;
}

/** Characters the files take in a link. */
export function linkDataLength(files: readonly LinkFile[]): number {
  return files.reduce((n, f) => n + f.name.length + f.data.length, 0);
}
