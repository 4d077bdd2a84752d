// The merchant's order system learns the outcome from the server's webhooks, with no browser
// open: the shopper closes the page right after pressing Pay and approves elsewhere. The
// receiver verifies each delivery with the Standard Webhooks reference library (npm
// `standardwebhooks`), not with this project's code.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { startDemo } from './harness.mjs';

const require = createRequire(join(resolve(import.meta.dirname, '..'), '.tools', 'package.json'));
const { Webhook } = require('standardwebhooks');

const SECRET = 'whsec_ZTJlLXJlY2VpdmVyLXNlY3JldC1mb3Itd2ViaG9vay10ZXN0cw==';

/** A merchant's endpoint: keeps each verified event by its `webhook-id`, refuses the rest. */
function startReceiver() {
  const verifier = new Webhook(SECRET);
  const events = new Map();
  const refused = [];
  const server = createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      try {
        const event = verifier.verify(body, request.headers);
        const id = request.headers['webhook-id'];
        const known = events.get(id);
        events.set(id, { event, deliveries: (known?.deliveries ?? 0) + 1 });
        response.writeHead(204).end();
      } catch (error) {
        refused.push(String(error));
        response.writeHead(401).end();
      }
    });
  });
  return new Promise((done) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      done({ url: `http://127.0.0.1:${port}/hooks`, events, refused, close: () => server.close() });
    });
  });
}

/** Waits until the receiver holds an event of `type` for a payment of `order`. */
async function eventFor(receiver, type, order) {
  for (let attempt = 0; attempt < 150; attempt++) {
    for (const { event, deliveries } of receiver.events.values()) {
      if (event.type === type && (event.data.order === order || event.data.order.startsWith(`${order}-`))) {
        return { event, deliveries };
      }
    }
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`no ${type} for ${order}: ${JSON.stringify([...receiver.events.values()])}`);
}

let demo;
let receiver;
before(async () => {
  receiver = await startReceiver();
  demo = await startDemo({ env: { WEBHOOK_URLS: receiver.url, WEBHOOK_SECRET: SECRET } });
});
after(async () => {
  await demo?.stop();
  receiver?.close();
});

test('mobile money: the page closes after Pay, the phone approves, the merchant gets payment.succeeded', async () => {
  const page = await demo.newPage();
  await page.goto(`${demo.base}/widget/?order=demo-cg`);
  await page.getByLabel('Mobile money number').fill('06 659 44 71');
  await page.getByRole('button', { name: /^Pay/ }).click();
  await page.getByText(/Approve the request on your phone/).first().waitFor();
  await page.context().close();

  const started = Date.now();
  await demo.answerPhone('242066594471', 'approve');
  const { event, deliveries } = await eventFor(receiver, 'payment.succeeded', 'demo-cg');
  assert.ok(Date.now() - started < 10_000, 'within seconds');
  assert.equal(deliveries, 1);
  assert.equal(event.data.status, 'succeeded');
  assert.equal(event.data.currency, 'XAF');
  assert.equal(event.data.method, 'mobile_money');
  assert.equal(event.data.live_mode, false);
  assert.equal(JSON.stringify(event).includes('066594471'), false, 'no phone number in the event');
  assert.deepEqual(receiver.refused, []);
});

test('Yassir Cash: the page closes on the OTP page, the code is confirmed elsewhere, the merchant gets payment.succeeded', async () => {
  const page = await demo.newPage();
  await page.goto(`${demo.base}/widget/?order=demo-dz`);
  await page.getByLabel('Yassir Cash phone number').fill('0555 00 00 11');
  await page.getByRole('button', { name: /^Pay/ }).click();
  await page.waitForURL(/\/sandbox\/yassir\/otp\/verify/);
  const otp = new URL(page.url());
  await page.context().close();

  // The shopper confirms the code (as on another device, the page opened there); no widget ever polls again.
  const html = await (await fetch(otp)).text();
  const csrf = html.match(/name="csrf" value="([^"]*)"/)?.[1];
  assert.ok(csrf, 'the OTP page\'s form carries its token');
  const form = new URLSearchParams({ requestId: otp.searchParams.get('requestId'), code: '123456', action: 'verify', csrf });
  const answer = await fetch(`${otp.origin}${otp.pathname}`, { method: 'POST', body: form, redirect: 'manual' });
  assert.ok(answer.status < 400, `the OTP page answered ${answer.status}`);
  const { event } = await eventFor(receiver, 'payment.succeeded', 'demo-dz');
  assert.equal(event.data.method, 'yassir_cash');
  const [payment] = (await demo.paymentsFor('demo-dz')).filter((p) => p.id === event.data.id);
  assert.equal(payment.status, 'succeeded');
  assert.ok(payment.history.some((change) => change.status === 'succeeded'));
});

test('a declined payment reaches the merchant as payment.failed with its code', async () => {
  const page = await demo.newPage();
  await page.goto(`${demo.base}/widget/?order=demo-ma`);
  await page.getByLabel('Yassir Cash phone number').fill('+212 600 00 00 03');
  await page.getByRole('button', { name: /^Pay/ }).click();
  await page.getByText(/Payment declined/).first().waitFor({ timeout: 20_000 });
  await page.context().close();
  const { event } = await eventFor(receiver, 'payment.failed', 'demo-ma');
  assert.equal(event.data.status, 'rejected');
  assert.ok(event.data.failure.code, 'a failure code');
});

test('an order signed by the merchant reaches its receiver with the signed reference and amount', async () => {
  const reference = `INV-hook-${Date.now()}`;
  const token = await demo.orderToken({ reference, description: 'Two concert tickets', amount_minor: 420000, currency: 'DZD' });
  const page = await demo.newPage();
  await page.goto(`${demo.base}/widget/?order=${encodeURIComponent(token)}`);
  await page.getByLabel('Yassir Cash phone number').fill('0555 00 00 02');
  await page.getByRole('button', { name: /^Pay/ }).click();
  await page.getByText(/Payment successful/).waitFor({ timeout: 20_000 });
  await page.context().close();
  const { event, deliveries } = await eventFor(receiver, 'payment.succeeded', reference);
  assert.equal(deliveries, 1);
  assert.equal(event.data.order, reference);
  assert.equal(event.data.amount_minor, 420000);
  assert.equal(event.data.currency, 'DZD');
});
