#!/usr/bin/env node
// Checks the documents against the repository, as scripts/test does before anything slow:
//
// - every relative link of every Markdown file reaches a file or folder that exists, and, where it
//   names an anchor (`#…`) in a Markdown file, a heading of that file (GitHub's anchors).
//
// docs/configuration.md is checked against the settings' declarations by a test of the server
// (server/tests/configuration_document.rs).
//
// No dependency: node's standard library and git (for the list of files). Exits 1 with one line
// a problem.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const problems = [];

/** The Markdown files git tracks or would track (new ones included, ignored ones not). */
function markdownFiles() {
  const listed = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z', '--', '*.md'], {
    cwd: root,
    encoding: 'utf8',
  });
  return [...new Set(listed.split('\0').filter(Boolean))].filter((file) => existsSync(join(root, file)));
}

/** The text of a Markdown file with its fenced code blocks blanked (their lines kept). */
function prose(text) {
  let fence = null;
  return text
    .split('\n')
    .map((line) => {
      const opening = line.match(/^\s*(`{3,}|~{3,})/);
      if (fence === null && opening) {
        fence = opening[1];
        return '';
      }
      if (fence !== null) {
        if (line.trim().startsWith(fence)) fence = null;
        return '';
      }
      return line;
    })
    .join('\n');
}

/** GitHub's anchor for a heading's text. */
function slug(heading) {
  return heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1') // links keep their text
    .replace(/<[^>]+>/g, '')
    .replace(/[`*]/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

const anchorsOf = new Map();
/** The anchors of a Markdown file's headings (a repeated heading gets `-1`, `-2`, … as on GitHub). */
function anchors(file) {
  if (!anchorsOf.has(file)) {
    const seen = new Map();
    const found = new Set();
    for (const line of prose(readFileSync(file, 'utf8')).split('\n')) {
      const heading = line.match(/^#{1,6}\s+(.*?)\s*#*\s*$/);
      if (!heading) continue;
      const base = slug(heading[1]);
      const count = seen.get(base) ?? 0;
      seen.set(base, count + 1);
      found.add(count === 0 ? base : `${base}-${count}`);
    }
    anchorsOf.set(file, found);
  }
  return anchorsOf.get(file);
}

/** The targets of the inline links, images and reference definitions of a Markdown text. */
function linkTargets(text) {
  const targets = [];
  const withoutCode = prose(text).replace(/(`+)[^`]*?\1/g, (span) => ' '.repeat(span.length));
  for (const match of withoutCode.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
    targets.push(match[1]);
  }
  for (const match of withoutCode.matchAll(/^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s+"[^"]*")?\s*$/gm)) {
    targets.push(match[1]);
  }
  return targets;
}

for (const file of markdownFiles()) {
  const path = join(root, file);
  for (const target of linkTargets(readFileSync(path, 'utf8'))) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//')) continue; // another site
    const [pathPart, anchor] = target.split('#', 2);
    const linked = pathPart === '' ? path : resolve(dirname(path), decodeURIComponent(pathPart));
    const shown = relative(root, linked) || '.';
    if (!linked.startsWith(root) || !existsSync(linked)) {
      problems.push(`${file}: the link \`${target}\` reaches no file (${shown})`);
      continue;
    }
    if (anchor !== undefined && linked.endsWith('.md') && statSync(linked).isFile()) {
      if (!anchors(linked).has(decodeURIComponent(anchor))) {
        problems.push(`${file}: the link \`${target}\` names no heading of ${shown}`);
      }
    }
  }
}

if (problems.length > 0) {
  for (const problem of problems) console.error(problem);
  process.exit(1);
}
console.log('documents: every link reaches its file and heading');
