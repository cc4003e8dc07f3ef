/**
 * Tar archives (POSIX ustar with PAX names) written as a stream, for the age-encrypted archives
 * Confidant hands out: client exports and disclosure packages. Names people gave (documents,
 * matter numbers) are made safe for any file system and unique per folder.
 */
import { AppError } from "../errors.js";

/**
 * A USTAR header (POSIX.1-1988). Written here because it is one fixed 512-byte layout; names that
 * are not short ASCII travel in a PAX `path` record before it (`paxEntry`), which GNU tar, bsdtar
 * and every maintained unpacker read. No dependency needed for that.
 */
export function tarHeader(
  name: string,
  size: number,
  mtime: number,
  type: "0" | "x" = "0",
): Buffer {
  const header = Buffer.alloc(512);
  const write = (value: string, offset: number, length: number) =>
    header.write(value, offset, length, "ascii");
  const octal = (value: number, length: number) =>
    value.toString(8).padStart(length - 1, "0");
  write(name, 0, 100);
  write(octal(0o600, 8), 100, 8);
  write(octal(0, 8), 108, 8);
  write(octal(0, 8), 116, 8);
  write(octal(size, 12), 124, 12);
  write(octal(Math.floor(mtime / 1000), 12), 136, 12);
  write("        ", 148, 8);
  write(type, 156, 1);
  write("ustar\u000000", 257, 8);
  let checksum = 0;
  for (const byte of header) checksum += byte;
  write(`${octal(checksum, 7)}\u0000 `, 148, 8);
  return header;
}

export const padding = (size: number) =>
  Buffer.alloc((512 - (size % 512)) % 512);

const isPlainTarName = (path: string) => /^[\x20-\x7e]{1,99}$/.test(path);

/** The header(s) of a file entry: a PAX extended header carrying the UTF-8 path when USTAR cannot hold it. */
export function fileHeaders(
  path: string,
  size: number,
  mtime: number,
): Buffer[] {
  if (isPlainTarName(path)) return [tarHeader(path, size, mtime)];
  // A PAX record is "<length> path=<value>\n", its length counting its own digits.
  const body = ` path=${path}\n`;
  const bodyBytes = Buffer.byteLength(body, "utf8");
  let length = bodyBytes + 1;
  while (String(length).length + bodyBytes !== length)
    length = String(length).length + bodyBytes;
  const record = Buffer.from(`${length}${body}`, "utf8");
  const fallback = path.replace(/[^\x20-\x7e]/g, "_").slice(-99);
  return [
    tarHeader("PaxHeader", record.length, mtime, "x"),
    record,
    padding(record.length),
    tarHeader(fallback, size, mtime),
  ];
}

// Names Windows refuses whatever the extension.
const RESERVED = /^(con|prn|aux|nul|com[1-9]|lpt[1-9])(\..*)?$/i;
const MAX_SEGMENT_BYTES = 200;

/**
 * One path segment from a document name or matter number: no separators, no control characters,
 * no `.`/`..`, nothing Windows refuses; at most 200 UTF-8 bytes, keeping the extension.
 */
export function safeSegment(raw: string): string {
  let name = raw
    .normalize("NFC")
    .replace(/[\u0000-\u001f\u007f/\\<>:"|?*]/g, "_")
    .trim()
    .replace(/[. ]+$/, "");
  if (name === "" || /^\.+$/.test(name)) name = "_";
  if (RESERVED.test(name)) name = `_${name}`;
  if (Buffer.byteLength(name, "utf8") > MAX_SEGMENT_BYTES) {
    const dot = name.lastIndexOf(".");
    const extension = dot > 0 && name.length - dot <= 20 ? name.slice(dot) : "";
    let stem = name.slice(0, name.length - extension.length);
    while (Buffer.byteLength(stem + extension, "utf8") > MAX_SEGMENT_BYTES)
      stem = [...stem].slice(0, -1).join("");
    name = stem + extension;
  }
  return name;
}

/** Gives each name in a folder a unique form (case-insensitively): `a.pdf`, `a (2).pdf`, … */
export function uniqueNamer(): (folder: string, name: string) => string {
  const taken = new Set<string>();
  return (folder, name) => {
    const dot = name.lastIndexOf(".");
    const [stem, extension] =
      dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ""];
    let candidate = name;
    for (let n = 2; taken.has(`${folder}/${candidate}`.toLowerCase()); n++)
      candidate = `${stem} (${n})${extension}`;
    taken.add(`${folder}/${candidate}`.toLowerCase());
    return candidate;
  };
}

type Chunks =
  AsyncIterable<Buffer | Uint8Array> | Iterable<Buffer | Uint8Array>;

/** One file of an archive: its path, size, time, and its bytes (read once, when its turn comes). */
export interface TarFile {
  path: string;
  size: number;
  mtime: number;
  bytes(): Promise<Chunks> | Chunks;
}

/**
 * The archive's bytes, file after file, then the end marker. Throws INTEGRITY_ERROR when a file
 * yields another number of bytes than its header announced (the archive would be corrupt).
 */
export async function* tarStream(
  files: Iterable<TarFile>,
): AsyncGenerator<Buffer> {
  for (const file of files) {
    for (const header of fileHeaders(file.path, file.size, file.mtime))
      yield header;
    let written = 0;
    for await (const part of await file.bytes()) {
      written += part.length;
      yield Buffer.isBuffer(part) ? part : Buffer.from(part);
    }
    if (written !== file.size) throw new AppError("INTEGRITY_ERROR");
    yield padding(written);
  }
  yield Buffer.alloc(1024);
}
