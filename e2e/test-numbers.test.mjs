// The providers' test numbers: a test-mode checkout takes those its answer lists (Yabetoo's
// documented `46733123451`, of no country the checkout serves), a live one refuses them in the
// shopper's language before anything is sent.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ARTIFACTS as artifacts, startDemo } from './harness.mjs';

describe('a test-mode checkout', () => {
  let demo;
  before(async () => {
    // Test numbers settle by themselves: slowly enough here to see the wait for the phone.
    demo = await startDemo({ env: { SANDBOX_SETTLE_DELAY_MS: '4000' } });
  });
  after(async () => {
    await demo?.stop();
  });

  test("Yabetoo's test number 46733123451 typed on demo-cg is taken and waits for the phone's approval", async () => {
    const page = await demo.newPage();
    await page.goto(`${demo.base}/widget/?order=demo-cg`);
    const number = page.getByLabel('Mobile money number');
    await number.pressSequentially('46733123451');
    // No country's prefix names the operator of a test number: the shopper picks it.
    await page.getByLabel('Operator').selectOption('mtn');
    await page.getByRole('button', { name: /^Pay/ }).click();

    await page.getByText(/Approve the request on your phone/).first().waitFor();
    await page.screenshot({ path: join(artifacts, 'e2e-test-number-waiting.png'), fullPage: true });
    const payments = await demo.paymentsFor('demo-cg');
    assert.deepEqual(payments.map((p) => p.status), ['awaiting_approval'], 'one payment, on the phone');
    // Yabetoo's documented outcome of this number: the shopper declines.
    await page.getByText(/Payment declined/).first().waitFor({ timeout: 20_000 });
    await page.context().close();
  });

  test('a number of the same range the checkout does not list is refused, saying why', async () => {
    const before = (await demo.paymentsFor('demo-cg')).length;
    const page = await demo.newPage();
    await page.goto(`${demo.base}/widget/?order=demo-cg`);
    const number = page.getByLabel('Mobile money number');
    await number.fill('46733123458');
    await page.getByLabel('Operator').selectOption('mtn');
    await page.getByRole('button', { name: /^Pay/ }).click();
    assert.equal(await number.getAttribute('aria-invalid'), 'true');
    assert.match(await page.locator('.cw-error').first().innerText(), /This number is not from the chosen country/);
    assert.equal((await demo.paymentsFor('demo-cg')).length, before, 'nothing sent');
    await page.context().close();
  });
});

describe('a live checkout', () => {
  let demo;
  before(async () => {
    demo = await startDemo({ live: true });
  });
  after(async () => {
    await demo?.stop();
  });

  for (const [lang, label, pay, words] of [
    ['en', 'Mobile money number', /^Pay/, /This number is not from the chosen country/],
    ['fr', 'Numéro Mobile Money', /^Payer/, /Ce numéro n’est pas du pays choisi/],
    ['ar', 'رقم الهاتف المحمول', /^ادفع/, /هذا الرقم ليس من البلد المختار/],
  ]) {
    test(`refuses Yabetoo's test number before anything is sent (${lang})`, async () => {
      const reference = `LIVE-test-number-${lang}-${Date.now()}`;
      const token = await demo.orderToken({ reference, description: `Order ${reference}`, amount_minor: 5000, currency: 'XAF' });
      const page = await demo.newPage();
      await page.goto(`${demo.base}/widget/?order=${encodeURIComponent(token)}&lang=${lang}`);
      const number = page.getByLabel(label);
      await number.fill('46733123451');
      await page.locator('select[id$="-operator"]').selectOption('mtn');
      await page.getByRole('button', { name: pay }).click();
      assert.ok(await number.evaluate((input) => input === input.getRootNode().activeElement), 'the focus is on the number');
      assert.equal(await number.getAttribute('aria-invalid'), 'true');
      assert.match(await page.locator('.cw-error').first().innerText(), words);
      if (lang === 'en') await page.screenshot({ path: join(artifacts, 'e2e-live-test-number.png'), fullPage: true });
      assert.deepEqual(await demo.paymentsFor(reference), [], 'nothing sent');
      await page.context().close();
    });
  }
});
