// Part of trunk's post-build hook (scripts/integrity): the widget's texts in French and in
// Arabic as files of the build, which the loader fetches for a shopper who reads them (the wasm
// holds English only: src/core/i18n/mod.rs). Each is a JSON array in the order of the `Msg`
// enum, read from the very sources the wasm was built from.

'use strict';
const { readFileSync } = require('node:fs');
const { join } = require('node:path');

const I18N = join(__dirname, '..', 'src', 'core', 'i18n');
const LANGS = ['en', 'fr', 'ar']; // the columns of the table

// A Rust string literal's text: the table holds `\u{…}` escapes and nothing else escaped.
function unescape(literal) {
  return literal.replace(/\\u\{([0-9a-fA-F]+)\}|\\(.)/g, (_, hex, other) => {
    if (hex) return String.fromCodePoint(parseInt(hex, 16));
    if (other === '"' || other === '\\') return other;
    throw new Error(`scripts/texts.js: unexpected escape \\${other} in the text table`);
  });
}

/** `{ fr: [...], ar: [...] }`, each in the order of `Msg`. */
function texts() {
  const messages = readFileSync(join(I18N, 'messages.rs'), 'utf8');
  const body = /pub enum Msg \{([\s\S]*?)\n\}/.exec(messages);
  if (!body) throw new Error('scripts/texts.js: no `pub enum Msg` in messages.rs');
  const names = body[1]
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('//'))
    .map((line) => {
      const name = /^([A-Z]\w*),$/.exec(line);
      if (!name) throw new Error(`scripts/texts.js: a variant of Msg it cannot read: ${line}`);
      return name[1];
    });

  const table = readFileSync(join(I18N, 'table.rs'), 'utf8');
  const literal = '"((?:[^"\\\\]|\\\\.)*)"';
  const row = new RegExp(`(\\w+) => \\[\\s*${literal},\\s*${literal},\\s*${literal},?\\s*\\]`, 'g');
  const rows = new Map();
  for (const [, name, ...columns] of table.matchAll(row)) rows.set(name, columns.map(unescape));
  const arms = (table.match(/\w+ => \[/g) || []).length;
  if (rows.size !== arms || rows.size !== names.length) {
    throw new Error(`scripts/texts.js: ${names.length} messages, ${arms} rows, ${rows.size} read`);
  }
  const result = {};
  for (const lang of LANGS.slice(1)) {
    result[lang] = names.map((name) => {
      if (!rows.has(name)) throw new Error(`scripts/texts.js: no text for ${name}`);
      return rows.get(name)[LANGS.indexOf(lang)];
    });
  }
  return result;
}

module.exports = { texts };
