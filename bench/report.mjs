// Turns the measurements of bench/run into one Markdown table with the budgets.
// Usage: node bench/report.mjs WORK_DIR DATE CONTEXT > table.md
// WORK_DIR holds load.tsv (bench/load.sh), browser.json (bench/browser.mjs), duplicates.txt.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const [work, date, context] = process.argv.slice(2);
const browser = JSON.parse(readFileSync(join(work, 'browser.json'), 'utf8'));
const load = readFileSync(join(work, 'load.tsv'), 'utf8').trim().split('\n').map((line) => {
  const [endpoint, clients, rps, p50, p99, max, errors, seconds, others] = line.split('\t');
  return {
    endpoint, clients: +clients, rps: +rps, p50: +p50, p99: +p99, max: +max, errors: +errors, seconds: +seconds, others: +others,
  };
});
const seconds = Number(process.env.BENCH_SECONDS ?? 5);

const rows = [];
const row = (area, figure, value, budget = '', pass = null) =>
  rows.push([area, figure, value, budget, pass === null ? '' : pass ? '**PASS**' : '**FAIL**']);
const kb = (bytes) => `${(bytes / 1000).toFixed(1)} KB`;
const mb = (bytes) => `${(bytes / 1e6).toFixed(2)} MB`;
const ms = (x) => `${x} ms`;

// First-load bytes
const files = browser.bytes.files;
const sum = (key) => files.reduce((total, file) => total + file[key], 0);
for (const file of files) {
  const sent = file.requests > 1 ? `requested ${file.requests}×, ${kb(file.transferred)} sent` : `${kb(file.transferred)} sent`;
  row('first load', `\`${file.file}\``, `${kb(file.raw)} raw · ${kb(file.gzip)} gzip · ${kb(file.brotli)} br (${sent})`);
}
const gzipTotal = sum('gzip');
row('first load', `**total**, ${files.length} files`,
  `${kb(sum('raw'))} raw · **${kb(gzipTotal)} gzip** (${Math.round((gzipTotal / 130_000) * 100)}% of Adyen Drop-in) · ${kb(sum('brotli'))} br (${kb(sum('transferred'))} sent)`,
  'gzip ≤ 110 KB (Adyen Drop-in ≈ 130 KB gzip)', gzipTotal <= 110_000);
{
  const known = new Set(files.map((file) => file.file));
  const extra = browser.bytesArabic.files.filter((file) => !known.has(file.file));
  const arabic = browser.bytesArabic.files.reduce((total, file) => total + file.gzip, 0);
  row('first load', 'a shopper reading Arabic (`&lang=ar`, the largest texts)',
    `${extra.map((file) => `+ \`${file.file}\` ${kb(file.gzip)} gzip`).join(', ')}: **${kb(arabic)} gzip**`,
    'gzip ≤ 110 KB', arabic <= 110_000);
}
for (const other of browser.bytes.other) {
  row('first load', `also: ${other.type} \`${other.path}\``, `${kb(other.transferred)} (not in the total)`);
}

// Time to interactive: ratios measured in the same run, then this machine's milliseconds
const { tti, phone } = browser;
const ratio = (a, b) => Math.round((a / b) * 100) / 100;
const payRatio = ratio(tti.payRendered.widget.median, tti.payRendered.bare.median);
row('time to interactive', `navigation start → Pay rendered, the widget against a bare yew app built the same way (\`bench/bare-yew\`), ${tti.loads} cold loads of each in turns`,
  `**${payRatio}×** (medians on this machine: widget ${ms(tti.payRendered.widget.median)}, bare yew ${ms(tti.payRendered.bare.median)})`,
  '≤ 1.3×', payRatio <= 1.3);
const phoneRatio = ratio(phone.widget, phone.bare);
row('time to interactive', `emulated mid-range phone on a mobile network (CPU ${phone.cpu}× slower, ${phone.down * 8 / 1e6} Mbit/s down, ${phone.latency} ms round trip), navigation start → ready, ${phone.loads} cold loads of each`,
  `widget median **${ms(phone.widget)}** · bare yew ${ms(phone.bare)} · **${phoneRatio}×**`);
row('time to interactive', `this machine: loader script requested → \`ready\` event and Pay rendered, ${tti.loads} cold loads`,
  `median **${ms(tti.fromScript.median)}** · p90 ${ms(tti.fromScript.p90)} · max ${ms(tti.fromScript.max)}`);
row('time to interactive', `the same, median of each of ${tti.rounds.length} rounds a few seconds apart`,
  tti.rounds.map(ms).join(' · '));
row('time to interactive', 'navigation start → the same',
  `median ${ms(tti.fromNavigation.median)} · p90 ${ms(tti.fromNavigation.p90)} · max ${ms(tti.fromNavigation.max)}`);
const steps = tti.steps;
row('time to interactive', 'where the time goes (medians from navigation start)',
  `loader requested ${ms(steps.loaderStart)} → css/js/wasm loaded ${ms(steps.assetsLoaded)} → wasm compiled ` +
  `${ms(steps.wasmCompiled)} → wasm instantiated ${ms(steps.wasmStarted)} → \`/api/v1/checkout\` answered ` +
  `${ms(steps.checkoutAnswered)} → \`ready\` event ${ms(steps.readyEvent)} · Pay rendered ${ms(steps.payRendered)}`);
const bareSteps = tti.bareSteps;
row('time to interactive', 'the bare yew app\'s, the same way',
  `js/wasm loaded ${ms(bareSteps.assetsLoaded)} → wasm compiled and instantiated ${ms(bareSteps.wasmStarted)} → ` +
  `Pay rendered ${ms(bareSteps.payRendered)}`);

// Memory
const { yassirSuccess } = browser.flows;
for (const [when, m] of [['after mount', yassirSuccess.afterMount], ['after a payment', yassirSuccess.afterPayment]]) {
  row('memory', when, `JS heap used ${mb(m.jsHeapUsed)} · wasm memory ${mb(m.wasmMemory)}`);
}

// Requests per payment
const breakdown = (flow) => Object.entries(flow.counts).map(([what, n]) => `${n}× ${what}`).join(', ');
const flows = [
  ['Yassir Cash, success at once (+213555000002)', yassirSuccess],
  ['Yassir Cash with OTP (+213555000001, 123456)', browser.flows.yassirOtp],
  ['Yassir Cash rejected (+213555000003)', browser.flows.yassirRejected],
  ['mobile money approved after 10 s (242066594470)', browser.flows.mobileMoney],
];
for (const [name, flow] of flows) {
  row('requests per payment', name, `**${flow.total}** (${flow.api} API): ${breakdown(flow)}`);
}
const mm = browser.flows.mobileMoney;
const rate = mm.pollsWaiting / mm.waitSeconds;
row('requests per payment', 'polling while waiting for approval',
  `${mm.pollsWaiting} polls in ${mm.waitSeconds.toFixed(1)} s = **${rate.toFixed(2)} req/s**`,
  '≤ 1 req/s', rate <= 1);
const { hidden } = browser;
row('requests per payment', 'polling while the page is hidden (emulated†)',
  `**${hidden.pollsHidden}** polls in ${hidden.hiddenSeconds.toFixed(1)} s; ` +
  (hidden.resumedAfterMs === null ? 'no poll within 3 s of showing it again' : `resumed ${hidden.resumedAfterMs} ms after showing it again`),
  'none while hidden', hidden.pollsHidden === 0);

// Server
const endpoints = { create: 'create `POST /payments`', proceed: 'proceed `POST /payments/{id}/submit`', status: 'status `GET /payments/{id}`' };
for (const point of load) {
  const value = `${point.rps.toLocaleString('en-US')} req/s · p50 ${ms(point.p50)} · p99 ${ms(point.p99)} · max ${ms(point.max)}` +
    (point.errors ? ` · **${point.errors} errors**` : '') + (point.seconds < seconds - 0.5 ? ` (stopped after ${point.seconds} s: out of payments)` : '') +
    (point.others >= 10 ? ` · ⚠ other processes took ${point.others}% of the CPUs` : '');
  const budgeted = point.endpoint === 'status';
  row('server, 1 core', `${endpoints[point.endpoint]}, ${point.clients} client${point.clients > 1 ? 's' : ''}`, value,
    budgeted ? '≥ 5,000 req/s, p99 < 10 ms' : '',
    budgeted ? point.rps >= 5000 && point.p99 < 10 && point.errors === 0 : null);
  if (budgeted && point.others >= 10) rows.at(-1)[4] += ' (disturbed)';
}

// Duplicated crates
const duplicated = (file) => {
  const crates = {};
  for (const line of readFileSync(join(work, file), 'utf8').split('\n')) {
    const match = /^([A-Za-z0-9_-]+) (v\S+)/.exec(line);
    if (match) (crates[match[1]] ??= new Set()).add(match[2]);
  }
  return crates;
};
const all = duplicated('duplicates.txt');
const shipped = duplicated('shipped.txt');
const list = (names) => names.map((name) => `${name} ${[...all[name]].join(' + ')}`).join('; ');
const names = Object.keys(all);
const inWasm = names.filter((name) => name in shipped);
const buildOnly = names.filter((name) => !(name in shipped));
row('wasm dependencies', 'duplicated crates (`cargo tree -d --target wasm32-unknown-unknown -e normal`)',
  names.length === 0 ? 'none'
    : [inWasm.length && `in the wasm: ${list(inWasm)}`, buildOnly.length && `proc-macro build only: ${list(buildOnly)}`]
      .filter(Boolean).join('. '),
  // Two versions of a procedural macro's dependency run at build time only: what a shopper
  // downloads is what the budget is for.
  'none in the wasm', inWasm.length === 0);

const escape = (cell) => String(cell).replaceAll('|', '\\|');
const lines = [
  `### Benchmark ${date}`,
  '',
  context,
  '',
  '| area | figure | value | budget | |',
  '|---|---|---|---|---|',
  ...rows.map((cells) => `| ${cells.map(escape).join(' | ')} |`),
  '',
  'KB = 1000 bytes. gzip is level 9, br is brotli at quality 11, both of the files in `dist/` the page requested; sent is what the reference server sent over the wire (it sends the precompressed copies of the build to browsers that accept them). ' +
    'Time to interactive: a fresh browser context (empty caches) per load, after one warm-up load; ready is the later of the widget\'s ' +
    '`ready` event and the first render of its Pay button (`.cw-pay`, in the loader\'s shadow root); the bare yew app is ready when its own Pay button renders. ' +
    'Milliseconds measure this machine as much as the widget: the ratios are the figures to compare across machines. The phone is Chromium\'s emulation ' +
    '(`Emulation.setCPUThrottlingRate`, `Network.emulateNetworkConditions`, 750 kbit/s up), not a device. ' +
    'Memory after a forced GC; wasm memory is the linear memory\'s size. ' +
    'Server: one `wrk` thread on CPU 1, the server on CPU 0 (its embedded sandbox answers on the same core), ' +
    'closed loop, latency per request; ⚠ marks a point during which other processes used 10% or more of the CPUs ' +
    '(user time not the server\'s or wrk\'s): such a point measures the machine, not the server.',
  '† headless Chromium never hides a page, so `document.hidden`/`visibilityState` are overridden and ' +
    '`visibilitychange` dispatched: this tests the widget\'s own pausing, not the browser\'s timer throttling.',
];
process.stdout.write(lines.join('\n') + '\n');
