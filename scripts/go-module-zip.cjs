// @ts-check
/*
 * A Go module's zip as the module proxy protocol defines it (`$GOPROXY/<module>/@v/<version>.zip`):
 * every file under `<module>@<version>/`, no directory entries. `npm run release` writes the SDK
 * module's zip (scripts/release.ts); the publishing script reads its go.mod back to lay out a proxy
 * folder and compares its files with the tag's (scripts/publish.cjs). Built-ins alone, for the
 * same reason as release-artifacts.cjs. Deflate, fixed 1980 dates: the same files, the same bytes.
 */
"use strict";

const { readFileSync, writeFileSync } = require("node:fs");
const { crc32, deflateRawSync, inflateRawSync } = require("node:zlib");

const LOCAL_HEADER = 0x04034b50;
const CENTRAL_HEADER = 0x02014b50;
const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
/** Bit 11: names are UTF-8. */
const UTF8_NAMES = 0x0800;
const DEFLATE = 8;
/** 1980-01-01 00:00 in MS-DOS form, the earliest a zip can say: no build time leaks into the bytes. */
const DOS_DATE = (1 << 5) | 1;

/**
 * @typedef {{ name: string, data: Buffer }} ZipEntry
 * @typedef {[2 | 4, number]} Field a little-endian field of 2 or 4 bytes
 */

/** Fields one after the other, as zip headers are laid out. @param {Field[]} fields */
function littleEndian(fields) {
  const buffer = Buffer.alloc(fields.reduce((length, [size]) => length + size, 0));
  let at = 0;
  for (const [size, value] of fields) at = size === 2 ? buffer.writeUInt16LE(value, at) : buffer.writeUInt32LE(value, at);
  return buffer;
}

/**
 * Writes `files` (paths relative to the module's root) as the zip of `modulePath` at `version`.
 * @param {string} zipPath @param {string} modulePath @param {string} version @param {ZipEntry[]} files
 */
function writeModuleZip(zipPath, modulePath, version, files) {
  const prefix = `${modulePath}@${version}/`;
  /** @type {Buffer[]} */
  const locals = [];
  /** @type {Buffer[]} */
  const centrals = [];
  let offset = 0;
  for (const file of [...files].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const name = Buffer.from(prefix + file.name, "utf8");
    const compressed = deflateRawSync(file.data);
    /** @type {Field[]} What the local and the central header both say of the file, from its flags to its name's length. */
    const described = [
      [2, UTF8_NAMES],
      [2, DEFLATE],
      [2, 0],
      [2, DOS_DATE],
      [4, crc32(file.data)],
      [4, compressed.length],
      [4, file.data.length],
      [2, name.length],
    ];
    // Signature and version needed; the length of the extra field.
    locals.push(littleEndian([[4, LOCAL_HEADER], [2, 20], ...described, [2, 0]]), name, compressed);
    // Signature, versions made by and needed; extra and comment lengths, disk, attributes, the local header's offset.
    centrals.push(
      littleEndian([[4, CENTRAL_HEADER], [2, 20], [2, 20], ...described, [2, 0], [2, 0], [2, 0], [2, 0], [4, 0], [4, offset]]),
      name,
    );
    offset += 30 + name.length + compressed.length;
  }
  const directory = Buffer.concat(centrals);
  // Signature, disks, entries on this disk and in all, the directory's size and offset, the comment's length.
  const end = littleEndian([
    [4, END_OF_CENTRAL_DIRECTORY],
    [2, 0],
    [2, 0],
    [2, files.length],
    [2, files.length],
    [4, directory.length],
    [4, offset],
    [2, 0],
  ]);
  writeFileSync(zipPath, Buffer.concat([...locals, directory, end]));
}

/**
 * Every file of a zip, by its full name. Reads what writeModuleZip writes and what Go's own tools
 * write (stored or deflated, no zip64, no encryption); anything else is an error that says so.
 * @param {string} zipPath @returns {Map<string, Buffer>}
 */
function readZip(zipPath) {
  const zip = readFileSync(zipPath);
  const end = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (end < 0) throw new Error(`${zipPath} is not a zip file: no end of central directory`);
  const count = zip.readUInt16LE(end + 10);
  let at = zip.readUInt32LE(end + 16);
  /** @type {Map<string, Buffer>} */
  const entries = new Map();
  for (let index = 0; index < count; index += 1) {
    if (zip.readUInt32LE(at) !== CENTRAL_HEADER) throw new Error(`${zipPath}: entry ${index} has no central directory header`);
    const method = zip.readUInt16LE(at + 10);
    const size = zip.readUInt32LE(at + 20);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const localAt = zip.readUInt32LE(at + 42);
    const name = zip.toString("utf8", at + 46, at + 46 + nameLength);
    const dataAt = localAt + 30 + zip.readUInt16LE(localAt + 26) + zip.readUInt16LE(localAt + 28);
    const raw = zip.subarray(dataAt, dataAt + size);
    if (method !== 0 && method !== DEFLATE)
      throw new Error(`${zipPath}: ${name} uses compression method ${method}; only stored and deflate are read`);
    entries.set(name, method === DEFLATE ? inflateRawSync(raw) : Buffer.from(raw));
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

module.exports = { writeModuleZip, readZip };
