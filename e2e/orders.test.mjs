// A merchant's real orders: signed order tokens paid through every way of embedding, an order
// paid once whatever the shopper does, resume links that only resume this browser's attempt,
// and a live-mode deployment with the widget, the backend and the providers on three origins.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { startDemo } from './harness.mjs';

const SUCCESS = /Payment successful/;
let serial = 0;

/** A fresh merchant order reference. */
function reference(prefix) {
  serial += 1;
  return `${prefix}-${process.pid}-${serial}`;
}

function dinarOrder(ref) {
  return { reference: ref, description: `Order ${ref}`, amount_minor: 250000, currency: 'DZD' };
}

async function payWithWallet(page, phone) {
  await page.locator('input[type="tel"]').first().fill(phone);
  await page.locator('button[type="submit"]').first().click();
}

async function throughOtp(page, code = '123456') {
  await page.waitForURL(/\/sandbox\/yassir\/otp\/verify/);
  await page.getByLabel('Verification code').fill(code);
  await page.getByRole('button', { name: 'Verify' }).click();
}

describe('order tokens on the demo server', () => {
  let demo;
  before(async () => {
    demo = await startDemo();
  });
  after(async () => {
    await demo?.stop();
  });

  /** A merchant page on the server's origin holding `body`. */
  async function merchantPage(body) {
    const page = await demo.newPage();
    const url = `${demo.base}/merchant-orders-page.html`;
    await page.route(url, (route) =>
      route.fulfill({
        contentType: 'text/html; charset=utf-8',
        body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title></head><body><main>${body}</main></body></html>`,
      }),
    );
    await page.goto(url);
    return page;
  }

  test('the standalone page pays a token order through the OTP page, once', async () => {
    const ref = reference('INV-page');
    const token = await demo.orderToken(dinarOrder(ref));
    const page = await demo.newPage();
    await page.goto(`${demo.base}/widget/?order=${encodeURIComponent(token)}`);
    await page.getByText(`Order ${ref}`).waitFor();
    await payWithWallet(page, '0555 00 00 01');
    await page.waitForURL(/\/sandbox\/yassir\/otp\/verify/);
    // Meanwhile another browser opens the same order: a payment of it is under way, no form.
    const meanwhile = await demo.newPage();
    await meanwhile.goto(`${demo.base}/widget/?order=${encodeURIComponent(token)}`);
    await meanwhile.getByText(/A payment for this order is already under way/).waitFor();
    assert.equal(await meanwhile.locator('button[type="submit"]').count(), 0, 'no Pay button');
    await meanwhile.context().close();
    await throughOtp(page);
    await page.waitForURL(/\/widget\//);
    await page.getByText(SUCCESS).waitFor({ timeout: 20_000 });
    const payments = await demo.paymentsFor(ref);
    assert.deepEqual(payments.map((p) => p.status), ['succeeded']);
    assert.equal(payments[0].amount_minor, 250000);

    // Another browser with the same token: it says at once that the order is paid, no form.
    const other = await demo.newPage();
    await other.goto(`${demo.base}/widget/?order=${encodeURIComponent(token)}`);
    await other.getByText(/This order is already paid/).waitFor({ timeout: 20_000 });
    assert.equal(await other.locator('button[type="submit"]').count(), 0, 'no Pay button');
    assert.equal(await other.locator('input').count(), 0, 'no form to fill in');
    assert.equal((await demo.paymentsFor(ref)).length, 1);
    await page.context().close();
    await other.context().close();
  });

  test('an order in flight in another browser says so, checks again on request, and is paid here once the other payment is declined', async () => {
    const ref = reference('INV-recheck');
    const token = await demo.orderToken({ reference: ref, description: `Order ${ref}`, amount_minor: 5000, currency: 'XAF' });
    const first = await demo.newPage();
    await first.goto(`${demo.base}/widget/?order=${encodeURIComponent(token)}`);
    await first.getByLabel('Mobile money number').fill('06 659 44 71');
    await first.getByRole('button', { name: /^Pay/ }).click();
    await first.getByText(/Approve the request on your phone/).first().waitFor();

    const second = await demo.newPage();
    await second.goto(`${demo.base}/widget/?order=${encodeURIComponent(token)}`);
    await second.getByText(/A payment for this order is already under way/).waitFor();
    const checkAgain = second.getByRole('button', { name: 'Check again' });
    // Still on the first shopper's phone: said again, no form.
    await checkAgain.click();
    await second.locator('.cw-status__live').getByText(/already under way/).waitFor();
    assert.equal(await second.locator('button[type="submit"]').count(), 0, 'no Pay button yet');

    await demo.answerPhone('242066594471', 'decline');
    await first.getByText(/Payment declined/).first().waitFor({ timeout: 20_000 });
    await checkAgain.click();
    await second.getByLabel('Mobile money number').fill('06 659 44 72');
    await second.getByRole('button', { name: /^Pay/ }).click();
    await second.getByText(/Approve the request on your phone/).first().waitFor();
    await demo.answerPhone('242066594472', 'approve');
    await second.getByText(SUCCESS).waitFor({ timeout: 20_000 });
    const statuses = (await demo.paymentsFor(ref)).map((p) => p.status).sort();
    assert.deepEqual(statuses, ['rejected', 'succeeded']);
    await first.context().close();
    await second.context().close();
  });

  test('a script tag pays a token order', async () => {
    const ref = reference('INV-script');
    const token = await demo.orderToken(dinarOrder(ref));
    const page = await merchantPage(`<div id="pay"></div>
<script src="/widget/checkout.js" data-target="#pay" data-order="${token}" data-lang="en" async></script>`);
    await payWithWallet(page, '+213555000002');
    await page.getByText(SUCCESS).waitFor({ timeout: 20_000 });
    assert.deepEqual((await demo.paymentsFor(ref)).map((p) => p.status), ['succeeded']);
    await page.context().close();
  });

  test('the JS API pays a token order and reports the merchant reference', async () => {
    const ref = reference('INV-api');
    const token = await demo.orderToken(dinarOrder(ref));
    const page = await merchantPage(`<div id="pay"></div>
<script src="/widget/checkout.js"></script>
<script>window.handle = CheckoutWidget.mount('#pay', { order: ${JSON.stringify(token)}, lang: 'en' });</script>`);
    const ready = await page.evaluate(() => window.handle.ready);
    assert.equal(ready.order.reference, ref);
    await payWithWallet(page, '+213555000002');
    const outcome = await page.evaluate(() => window.handle.result);
    assert.equal(outcome.type, 'success');
    assert.equal(outcome.status, 'succeeded');
    const [payment] = await demo.paymentsFor(ref);
    assert.equal(payment.id, outcome.paymentId);
    await page.context().close();
  });

  test('the custom element pays a token order with mobile money', async () => {
    const ref = reference('INV-element');
    const token = await demo.orderToken({ reference: ref, description: `Order ${ref}`, amount_minor: 5000, currency: 'XAF' });
    const page = await merchantPage(`<checkout-widget order="${token}" lang="en"></checkout-widget>
<script src="/widget/checkout.js"></script>`);
    await page.getByLabel('Mobile money number').fill('06 600 00 01');
    await page.getByRole('button', { name: /^Pay/ }).click();
    await page.getByText(SUCCESS).waitFor({ timeout: 20_000 });
    assert.deepEqual((await demo.paymentsFor(ref)).map((p) => p.status), ['succeeded']);
    await page.context().close();
  });

  test('a second tab of the same browser resumes the attempt in flight instead of paying again', async () => {
    const ref = reference('INV-tabs');
    const token = await demo.orderToken(dinarOrder(ref));
    const context = await demo.browser.newContext({ locale: 'en-US' });
    const first = await context.newPage();
    await first.goto(`${demo.base}/widget/?order=${encodeURIComponent(token)}`);
    await payWithWallet(first, '0555 00 00 01');
    await first.waitForURL(/\/sandbox\/yassir\/otp\/verify/);

    const second = await context.newPage();
    await second.goto(`${demo.base}/widget/?order=${encodeURIComponent(token)}`);
    await second.getByRole('button', { name: 'Continue to Yassir' }).waitFor({ timeout: 20_000 });
    assert.equal((await demo.paymentsFor(ref)).length, 1, 'one attempt for the order');

    await first.getByLabel('Verification code').fill('123456');
    await first.getByRole('button', { name: 'Verify' }).click();
    await first.getByText(SUCCESS).waitFor({ timeout: 20_000 });
    // Reloaded once paid: it says so at once, with no form to pay again.
    await second.reload();
    await second.getByText(/This order is already paid/).waitFor({ timeout: 20_000 });
    assert.equal(await second.locator('button[type="submit"]').count(), 0, 'no Pay button');
    assert.deepEqual((await demo.paymentsFor(ref)).map((p) => p.status), ['succeeded']);
    await context.close();
  });

  test("a resume link to another shopper's payment shows the form, never their success", async () => {
    const paid = await demo.newPage();
    await paid.goto(`${demo.base}/widget/?order=demo-dz`);
    await payWithWallet(paid, '+213555000002');
    await paid.getByText(SUCCESS).waitFor({ timeout: 20_000 });
    const [victim] = (await demo.paymentsFor('demo-dz')).filter((p) => p.status === 'succeeded');
    await paid.context().close();

    const page = await demo.newPage();
    await page.goto(`${demo.base}/widget/?order=demo-dz&checkout_resume=${victim.id}`);
    await page.locator('button[type="submit"]').first().waitFor();
    await page.waitForTimeout(500);
    assert.equal(await page.getByText(SUCCESS).count(), 0, 'no success replayed');
    await page.context().close();
  });
});

describe('a live-mode deployment: shop, backend and providers on three origins', () => {
  let demo;
  let shop;
  let shopBase;
  let shopOrder;
  // When set, the shop signs a new token on every page load, as a merchant's natural code does.
  let shopSigner = null;
  before(async () => {
    // The merchant's own site, a server of its own: another origin than the backend's.
    shop = createServer(async (request, response) => {
      if (shopSigner) shopOrder = await shopSigner();
      response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      response.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Shop</title></head>
<body><main><h1>Checkout</h1><div id="pay"></div></main>
<script src="${demo.base}/widget/checkout.js"></script>
<script>window.handle = CheckoutWidget.mount('#pay', { order: ${JSON.stringify(shopOrder)}, endpoint: ${JSON.stringify(demo.base)}, lang: 'en' });</script>
</body></html>`);
    });
    await new Promise((done) => shop.listen(0, '127.0.0.1', done));
    // `localhost` rather than 127.0.0.1: the same machine, another origin.
    shopBase = `http://localhost:${shop.address().port}`;
    demo = await startDemo({ live: true, env: { CORS_ORIGINS: shopBase } });
  });
  after(async () => {
    await demo?.stop();
    shop?.close();
  });

  /** The merchant's checkout page for `order`, loading the widget from the backend. */
  async function shopPage(order) {
    shopOrder = order;
    const page = await demo.newPage();
    await page.goto(`${shopBase}/checkout`);
    return page;
  }

  test('live mode refuses the demo catalog', async () => {
    const answer = await fetch(`${demo.base}/api/v1/checkout?order=demo-dz`);
    assert.equal(answer.status, 404);
  });

  test('a token order is paid through the OTP page and back to the shop', async () => {
    const ref = reference('LIVE-yassir');
    const token = await demo.orderToken(dinarOrder(ref));
    const page = await shopPage(token);
    await payWithWallet(page, '0555 00 00 01');
    await throughOtp(page);
    await page.waitForURL(`${shopBase}/**`);
    await page.getByText(SUCCESS).waitFor({ timeout: 20_000 });
    assert.deepEqual((await demo.paymentsFor(ref)).map((p) => p.status), ['succeeded']);
    await page.context().close();
  });

  test('a shop that signs a new token on every page load finds the payment on the way back from the OTP page', async () => {
    const ref = reference('LIVE-resigned');
    const tokens = [];
    shopSigner = async () => {
      // `expires_at = time() + TTL`, a second further on each load: another string each time.
      const token = await demo.orderToken({ ...dinarOrder(ref), expires_in_seconds: 3600 + tokens.length });
      tokens.push(token);
      return token;
    };
    try {
      const page = await demo.newPage();
      await page.goto(`${shopBase}/checkout`);
      await payWithWallet(page, '0555 00 00 01');
      await throughOtp(page);
      await page.waitForURL(`${shopBase}/**`);
      await page.getByText(SUCCESS).waitFor({ timeout: 20_000 });
      assert.ok(tokens.length >= 2, `the page was loaded ${tokens.length} times`);
      assert.equal(new Set(tokens).size, tokens.length, 'a new token on every load');
      assert.deepEqual((await demo.paymentsFor(ref)).map((p) => p.status), ['succeeded']);
      await page.context().close();
    } finally {
      shopSigner = null;
    }
  });

  test('a mobile-money token order is paid with the widget on the shop origin', async () => {
    const ref = reference('LIVE-momo');
    const token = await demo.orderToken({ reference: ref, description: `Order ${ref}`, amount_minor: 5000, currency: 'XAF' });
    const page = await shopPage(token);
    await page.getByLabel('Mobile money number').fill('06 659 44 70');
    await page.getByRole('button', { name: /^Pay/ }).click();
    await page.getByText(/Approve the request on your phone/).first().waitFor({ timeout: 20_000 });
    await demo.answerPhone('242066594470', 'approve');
    await page.getByText(SUCCESS).waitFor({ timeout: 20_000 });
    assert.deepEqual((await demo.paymentsFor(ref)).map((p) => p.status), ['succeeded']);
    await page.context().close();
  });
});
