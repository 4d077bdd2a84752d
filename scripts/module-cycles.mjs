#!/usr/bin/env node
// The layering check: in each crate, the modules' `crate::…` and `super::…` references form no
// cycle. A module is a top-level one (`service`, `store`, …) and, one level down, each of its own
// (`web::hooks`, `web::checkout`), so that a cycle between two parts of one layer shows too.
// Prints each crate's graph with `--graph`; exits 1 naming every cycle found.
//
//   node scripts/module-cycles.mjs [--graph] [CRATE_SRC…]   (every crate's when none is named)

import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const named = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const CRATES = named.length ? named : ['src', 'server/src', 'sandbox/src', 'contract/src', 'numbering/src'];
const showGraph = process.argv.includes('--graph');

function rustFiles(dir) {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return rustFiles(full);
    return entry.name.endsWith('.rs') ? [full] : [];
  });
}

// A file's module path: `web/hooks/use_checkout.rs` is `web::hooks::use_checkout`, `store/mod.rs`
// is `store`, the crate root (`lib.rs`, `main.rs`) is empty.
function pathOf(src, file) {
  const parts = path.relative(src, file).replace(/\.rs$/, '').split(path.sep);
  if (parts.at(-1) === 'mod') parts.pop();
  if (parts.length === 1 && ['lib', 'main'].includes(parts[0])) parts.pop();
  return parts;
}

// The module a file belongs to, two levels deep at most: `web/hooks/use_checkout.rs` is
// `web::hooks`, `service/outcome.rs` is `service::outcome`, `store/mod.rs` is `store`.
function moduleOf(src, file) {
  const parts = pathOf(src, file);
  return parts.length ? parts.slice(0, 2).join('::') : null;
}

// Every module a file's text names through `crate::` or `super::`, two levels deep, as far as
// they exist. `super::` is read from the file's own path (`core/events.rs`'s `super::state` is
// `crate::core::state`): a sibling reached that way is an edge too.
function referenced(text, known, own) {
  const found = new Set();
  const name = (chain) => {
    const parts = chain.split('::').filter(Boolean);
    const two = parts.slice(0, 2).join('::');
    if (known.has(two)) found.add(two);
    else if (known.has(parts[0])) found.add(parts[0]);
  };
  const code = text
    .split('\n')
    .filter((line) => !/^\s*\/\//.test(line))
    .join('\n')
    .replace(/\b(?:super::)+(?=[\w{])/g, (supers) => {
      const up = supers.length / 'super::'.length;
      return ['crate', ...own.slice(0, own.length - up), ''].join('::');
    });
  // `crate::a::b`, and each path of a use tree: `crate::{a, b::{c, d}}`, `crate::a::{self, b}`.
  for (const match of code.matchAll(/crate::((?:\w+::)*)(\w+|\{)/g)) {
    const prefix = match[1];
    if (match[2] !== '{') {
      name(prefix + match[2]);
      continue;
    }
    const open = match.index + match[0].length;
    for (const item of useTree(code, open)) {
      if (item === 'self') name(prefix.replace(/::$/, ''));
      else name(prefix + item);
    }
  }
  return found;
}

// The paths of the use tree whose `{` ends just before `start`: `a, b::{c, self}` gives `a`,
// `b::c` and `b`. Renames (`as x`) are dropped.
function useTree(code, start) {
  const items = [];
  let depth = 0;
  let item = '';
  for (let at = start; at < code.length; at += 1) {
    const char = code[at];
    if (depth === 0 && (char === ',' || char === '}')) {
      items.push(item);
      item = '';
      if (char === '}') break;
      continue;
    }
    if (char === '{') depth += 1;
    if (char === '}') depth -= 1;
    item += char;
  }
  return items.flatMap((raw) => {
    const text = raw.replace(/\s+as\s+\w+/g, '').replace(/\s+/g, '');
    const nested = text.match(/^((?:\w+::)*)\{(.*)\}$/s);
    if (!nested) return text ? [text] : [];
    return useTree(`${text.slice(nested[1].length + 1)}`, 0).map((inner) =>
      inner === 'self' ? nested[1].replace(/::$/, '') : nested[1] + inner,
    );
  });
}

// Tarjan's strongly connected components with more than one module: the cycles.
function cycles(graph) {
  let index = 0;
  const stack = [];
  const on = new Set();
  const indices = new Map();
  const low = new Map();
  const components = [];
  const visit = (node) => {
    indices.set(node, index);
    low.set(node, index++);
    stack.push(node);
    on.add(node);
    for (const next of graph.get(node) ?? []) {
      if (!indices.has(next)) {
        visit(next);
        low.set(node, Math.min(low.get(node), low.get(next)));
      } else if (on.has(next)) {
        low.set(node, Math.min(low.get(node), indices.get(next)));
      }
    }
    if (low.get(node) === indices.get(node)) {
      const component = [];
      let member;
      do {
        member = stack.pop();
        on.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) components.push(component.sort());
    }
  };
  for (const node of graph.keys()) if (!indices.has(node)) visit(node);
  return components;
}

let failed = false;
for (const crate of CRATES) {
  const src = path.join(root, crate);
  if (!fs.existsSync(src)) continue;
  const files = rustFiles(src);
  const modules = new Map(files.map((file) => [file, moduleOf(src, file)]));
  const known = new Set();
  for (const module of modules.values()) {
    if (!module) continue;
    known.add(module);
    known.add(module.split('::')[0]);
  }
  const graph = new Map([...known].map((module) => [module, new Set()]));
  for (const [file, module] of modules) {
    if (!module) continue;
    for (const target of referenced(fs.readFileSync(file, 'utf8'), known, pathOf(src, file))) {
      // A module and its own parent or children are one unit, not a cycle.
      const [from, to] = [module.split('::')[0], target.split('::')[0]];
      if (from === to) {
        if (module !== target && module.includes('::') && target.includes('::')) graph.get(module).add(target);
        continue;
      }
      graph.get(module).add(target.includes('::') ? target.split('::')[0] : target);
      if (module.includes('::')) graph.get(module.split('::')[0]).add(to);
    }
  }
  // Edges between top-level modules only, for the cycle search across them, and between the
  // parts of one top-level module.
  const top = new Map();
  const inner = new Map();
  for (const [module, targets] of graph) {
    for (const target of targets) {
      const [from, to] = [module.split('::')[0], target.split('::')[0]];
      if (from !== to) {
        if (!top.has(from)) top.set(from, new Set());
        top.get(from).add(to);
      } else if (module.includes('::') && target.includes('::')) {
        if (!inner.has(module)) inner.set(module, new Set());
        inner.get(module).add(target);
      }
    }
  }
  const found = [...cycles(top), ...cycles(inner)];
  if (showGraph) {
    console.log(`${crate}:`);
    for (const [module, targets] of [...top].sort()) console.log(`  ${module} → ${[...targets].sort().join(', ')}`);
  }
  for (const cycle of found) {
    failed = true;
    console.log(`${crate}: modules in a cycle: ${cycle.join(', ')}`);
  }
}
if (!failed) console.log(`modules: no cycle in ${CRATES.join(', ')}`);
process.exit(failed ? 1 : 0);
