// Part of trunk's post-build hook (scripts/integrity): gives the wasm's imports and exports short
// names, in the wasm and in its glue alike, and drops the wasm's custom sections (the toolchain's
// name and target features, which nothing reads). wasm-bindgen names each import after the
// function it wraps plus a hash, about 40 bytes that gzip can barely shrink, twice (the wasm
// imports it, the glue defines it), and some exports after whole Rust types: 4 KB of the first
// load.

'use strict';

function readLeb(bytes, at) {
  let value = 0;
  let shift = 0;
  let byte;
  do {
    byte = bytes[at.offset++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
  } while (byte & 0x80);
  return value;
}

function leb(value) {
  const out = [];
  do {
    let byte = value & 0x7f;
    value = Math.floor(value / 128);
    if (value) byte |= 0x80;
    out.push(byte);
  } while (value);
  return Buffer.from(out);
}

const name = (text) => Buffer.concat([leb(Buffer.byteLength(text)), Buffer.from(text)]);

// a, b, …, Z, then aa, ab, …: valid JavaScript property names, none of them a glue identifier
// that the replacement could touch (it replaces whole quoted or bare keys only).
function shortName(index) {
  const letters = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
  let text = '';
  do {
    text = letters[index % letters.length] + text;
    index = Math.floor(index / letters.length) - 1;
  } while (index >= 0);
  return text;
}

/** Answers the new wasm and glue; throws where the glue does not match the wasm's names. */
function shortenNames(wasm, glue) {
  const sections = [];
  const at = { offset: 8 };
  const renamed = new Map(); // module -> { name -> short name }
  const exported = new Map(); // name -> short name
  const text = (at) => {
    const length = readLeb(wasm, at);
    at.offset += length;
    return wasm.toString('utf8', at.offset - length, at.offset);
  };
  while (at.offset < wasm.length) {
    const id = wasm[at.offset++];
    const size = readLeb(wasm, at);
    const start = at.offset;
    at.offset += size;
    if (id === 0) continue; // custom sections
    const body = { offset: start };
    if (id === 7) {
      const count = readLeb(wasm, body);
      const parts = [leb(count)];
      for (let i = 0; i < count; i++) {
        const field = text(body);
        const descriptorStart = body.offset;
        body.offset++; // its kind
        readLeb(wasm, body); // its index
        // `memory` stays: it is short, and tools that measure the widget look for it.
        const short = field === 'memory' ? field : `$${i.toString(36)}`;
        if (short !== field) exported.set(field, short);
        parts.push(name(short), wasm.subarray(descriptorStart, body.offset));
      }
      const section = Buffer.concat(parts);
      sections.push(Buffer.concat([Buffer.from([7]), leb(section.length), section]));
      continue;
    }
    if (id !== 2) {
      sections.push(Buffer.concat([Buffer.from([id]), leb(size), wasm.subarray(start, start + size)]));
      continue;
    }
    const count = readLeb(wasm, body);
    const parts = [leb(count)];
    for (let i = 0; i < count; i++) {
      const module = text(body);
      const field = text(body);
      const descriptorStart = body.offset;
      const kind = wasm[body.offset++];
      if (kind === 0) readLeb(wasm, body); // function: its type
      else if (kind === 1 || kind === 2) {
        if (kind === 1) body.offset++; // table: its element type
        const flags = wasm[body.offset++];
        readLeb(wasm, body);
        if (flags & 1) readLeb(wasm, body);
      } else if (kind === 3) body.offset += 2; // global: its type and mutability
      else throw new Error(`import kind ${kind} of ${module}.${field}`);
      if (!renamed.has(module)) renamed.set(module, new Map());
      const fields = renamed.get(module);
      if (!fields.has(field)) fields.set(field, shortName(fields.size));
      const moduleIndex = [...renamed.keys()].indexOf(module);
      parts.push(name(shortName(moduleIndex)), name(fields.get(field)), wasm.subarray(descriptorStart, body.offset));
    }
    const section = Buffer.concat(parts);
    sections.push(Buffer.concat([Buffer.from([2]), leb(section.length), section]));
  }

  let moduleIndex = 0;
  for (const [module, fields] of renamed) {
    glue = replaceKey(glue, module, shortName(moduleIndex++));
    for (const [field, short] of fields) glue = replaceKey(glue, field, short);
  }
  if (/(?<![\w$])\$[0-9a-z]/.test(glue)) throw new Error('the glue has names like the short export names');
  for (const [field, short] of exported) glue = replaceName(glue, field, short);
  return { wasm: Buffer.concat([wasm.subarray(0, 8), ...sections]), glue };
}

// The glue's imports object: `"name":` or `name:`, once each.
function replaceKey(glue, key, short) {
  const escaped = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`(["']${escaped}["']|(?<![\\w$.])${escaped})(?=\\s*:)`, 'g');
  const found = glue.match(pattern) || [];
  if (found.length !== 1) throw new Error(`the glue defines the import ${key} ${found.length} times`);
  return glue.replace(pattern, JSON.stringify(short));
}

// The glue reads the exports as `wasm.name`, and names some functions of its own after them:
// those are renamed too, unless the glue exports them itself (`mount`, for the loader).
function replaceName(glue, key, short) {
  const word = (prefix) => new RegExp(`(?<![\\w$.])${prefix}${key.replace(/\$/g, '\\$')}(?![\\w$])`, 'g');
  glue = glue.replace(word('wasm\\.'), `wasm.${short}`);
  if (word('export\\s+(?:function|class|const|let)\\s+').test(glue) || /\bexport\s*\{/.test(glue)) return glue;
  return glue.replace(word(''), short);
}

module.exports = { shortenNames };
