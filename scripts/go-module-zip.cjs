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
 */

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
    const crc = crc32(file.data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(LOCAL_HEADER, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(UTF8_NAMES, 6);
    local.writeUInt16LE(DEFLATE, 8);
    local.writeUInt16LE(0, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(file.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(CENTRAL_HEADER, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(UTF8_NAMES, 8);
    central.writeUInt16LE(DEFLATE, 10);
    central.writeUInt16LE(0, 12);
    central.writeUInt16LE(DOS_DATE, 14);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(file.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, compressed);
    centrals.push(central, name);
    offset += local.length + name.length + compressed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(END_OF_CENTRAL_DIRECTORY, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
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
