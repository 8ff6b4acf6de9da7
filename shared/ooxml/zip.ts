import { deflateRawSync } from 'node:zlib';

/**
 * A zip writer for OOXML packages (xlsx, docx) on Node's own zlib: deflate is native, so a
 * function that writes a file carries ~1 KB of zip code instead of a zip library (issue 7: each
 * function ≤ 1.3× its floor bundle). Entries are deflated, names are ASCII part names, the
 * timestamp is fixed (1980-01-01) so the same parts give the same bytes.
 */

/** Built on first use, not at import: a function's cold start loads this module whether it zips or not. */
let crcTable: Uint32Array | undefined;

function table(): Uint32Array {
  if (crcTable) return crcTable;
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return (crcTable = t);
}

/** CRC-32 (IEEE), as zip stores it. */
export function crc32(data: Uint8Array): number {
  const t = table();
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = t[(c ^ data[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** A part: its name in the package and its content (strings are written as UTF-8). */
export type ZipPart = readonly [name: string, content: string | Uint8Array];

const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1; // 1980-01-01

/** The 24 bytes a local header and its central-directory record share, "version needed" to the name length. */
function writeEntryFields(buf: Buffer, at: number, e: { crc: number; packedSize: number; size: number; nameLength: number }): void {
  buf.writeUInt16LE(20, at); // version needed: 2.0 (deflate)
  buf.writeUInt16LE(0x0800, at + 2); // UTF-8 names
  buf.writeUInt16LE(8, at + 4); // deflate
  buf.writeUInt16LE(DOS_TIME, at + 6);
  buf.writeUInt16LE(DOS_DATE, at + 8);
  buf.writeUInt32LE(e.crc, at + 10);
  buf.writeUInt32LE(e.packedSize, at + 14);
  buf.writeUInt32LE(e.size, at + 18);
  buf.writeUInt16LE(e.nameLength, at + 22);
}

/** Packs the parts, in the given order, into one zip. */
export function zip(parts: readonly ZipPart[]): Uint8Array {
  const local: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of parts) {
    const data = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
    const packed = deflateRawSync(data, { level: 6 });
    const nameBytes = Buffer.from(name, 'utf8');
    const fields = { crc: crc32(data), packedSize: packed.length, size: data.length, nameLength: nameBytes.length };

    const head = Buffer.alloc(30); // extra field length (28): 0
    head.writeUInt32LE(0x04034b50, 0);
    writeEntryFields(head, 4, fields);
    local.push(head, nameBytes, packed);

    const dir = Buffer.alloc(46); // extra, comment, disk, internal and external attributes: 0
    dir.writeUInt32LE(0x02014b50, 0);
    dir.writeUInt16LE(20, 4); // made by: 2.0, MS-DOS attributes
    writeEntryFields(dir, 6, fields);
    dir.writeUInt32LE(offset, 42);
    central.push(dir, nameBytes);

    offset += head.length + nameBytes.length + packed.length;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(parts.length, 8);
  end.writeUInt16LE(parts.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...local, directory, end]));
}
