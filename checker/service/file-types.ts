/**
 * File types told from a file's first bytes (its "magic number"), not from
 * its name: what an upload really is, whatever it is called.
 */

/** How many leading bytes a service keeps to tell a file's type and show a preview. */
export const SNIFF_BYTES = 512;

const SIGNATURES: readonly { type: string; offset: number; bytes: readonly number[] }[] = [
  { type: 'image/jpeg', offset: 0, bytes: [0xff, 0xd8, 0xff] },
  { type: 'image/png', offset: 0, bytes: [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a] },
  { type: 'application/pdf', offset: 0, bytes: [0x25, 0x50, 0x44, 0x46, 0x2d] },
  { type: 'video/mp4', offset: 4, bytes: [0x66, 0x74, 0x79, 0x70] },
];

/** The MIME type the first bytes of a file show; application/octet-stream when none matches. */
export function detectFileType(head: Uint8Array): string {
  const found = SIGNATURES.find(({ offset, bytes }) => bytes.every((byte, i) => head[offset + i] === byte));
  return found?.type ?? 'application/octet-stream';
}
