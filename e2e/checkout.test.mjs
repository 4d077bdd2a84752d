// A shopper paying through the real demo: widget release build, reference server, sandbox.

import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ARTIFACTS as artifacts, startDemo } from './harness.mjs';

let demo;
before(async () => {
  demo = await startDemo();
});
after(async () => {
  await demo?.stop();
});

const SUCCESS = /Payment successful/;

async function payWithYassir(page, phone) {
  await page.getByLabel('Yassir Cash phone number').fill(phone);
  await page.getByRole('button', { name: /^Pay/ }).click();
}

test('Yassir Cash: OTP page, back to the shop, payment successful', async () => {
  const page = await demo.newPage();
  await page.goto(`${demo.base}/widget/?order=demo-dz`);
  await payWithYassir(page, '0555 00 00 01');

  await page.waitForURL(/\/sandbox\/yassir\/otp\/verify/);
  // Kept for the way back: the payment and its secret, nothing personal.
  const kept = Object.values(await demo.storageLeft(page));
  assert.equal(kept.length, 1);
  assert.match(kept[0].client_secret, /^pay_\w+_secret_\w+$/);
  const otpUrl = new URL(page.url());
  assert.ok(otpUrl.searchParams.get('returnUrl')?.startsWith(`${demo.base}/widget/`), 'returnUrl points back to the shop');
  await page.getByLabel('Verification code').fill('123456');
  await page.getByRole('button', { name: 'Verify' }).click();

  await page.waitForURL(/\/widget\//);
  await page.getByText(SUCCESS).waitFor({ timeout: 20_000 });
  await page.screenshot({ path: join(artifacts, 'e2e-yassir-success.png'), fullPage: true });
  assert.deepEqual(await demo.storageLeft(page), {}, 'forgotten once final');
  const payments = await demo.paymentsFor('demo-dz');
  assert.equal(payments.filter((p) => p.status === 'succeeded').length, 1);
  await page.context().close();
});

test('mobile money: approved on the phone, payment successful', async () => {
  const page = await demo.newPage();
  await page.goto(`${demo.base}/widget/?order=demo-cg`);
  await page.getByLabel('Mobile money number').fill('06 659 44 70');
  await page.getByRole('button', { name: /^Pay/ }).click();
  await page.getByText(/Approve the request on your phone/).first().waitFor();

  await demo.answerPhone('242066594470', 'approve');
  await page.getByText(SUCCESS).waitFor({ timeout: 20_000 });
  await page.screenshot({ path: join(artifacts, 'e2e-momo-success.png'), fullPage: true });
  assert.deepEqual(await demo.storageLeft(page), {}, 'forgotten once final');
  await page.context().close();
});

test('a rejected payment, then a retry that succeeds', async () => {
  const page = await demo.newPage();
  await page.goto(`${demo.base}/widget/?order=demo-ma`);
  await payWithYassir(page, '+212 600 00 00 03');
  await page.getByText(/Payment declined/).first().waitFor({ timeout: 20_000 });
  await page.getByRole('button', { name: 'Change payment details' }).click();

  await payWithYassir(page, '+212 600 00 00 02');
  await page.getByText(SUCCESS).waitFor({ timeout: 20_000 });
  const statuses = (await demo.paymentsFor('demo-ma')).map((p) => p.status).sort();
  assert.deepEqual(statuses, ['rejected', 'succeeded'], 'the retry is a fresh payment, the rejection is kept');
  assert.deepEqual(await demo.storageLeft(page), {}, 'forgotten once final');
  await page.context().close();
});

test('a reload while polling resumes without a second payment', async () => {
  const page = await demo.newPage();
  await page.goto(`${demo.base}/widget/?order=demo-cm`);
  await page.getByLabel('Country').selectOption('cm');
  await page.getByLabel('Mobile money number').fill('670 00 00 42');
  await page.getByRole('button', { name: /^Pay/ }).click();
  await page.getByText(/Approve the request on your phone/).first().waitFor();

  await page.reload();
  await page.getByText(/Approve the request on your phone/).first().waitFor();
  assert.equal(Object.keys(await demo.storageLeft(page)).length, 1, 'kept while in flight');
  await demo.answerPhone('237670000042', 'approve');
  await page.getByText(SUCCESS).waitFor({ timeout: 20_000 });
  assert.deepEqual(await demo.storageLeft(page), {}, 'forgotten once final');
  assert.equal((await demo.paymentsFor('demo-cm')).length, 1, 'one payment, however many reloads');
  await page.context().close();
});

test('bad details: said when the field is left, and Pay focuses the field without sending anything', async () => {
  const paymentsBefore = (await demo.paymentsFor('demo-dz')).length;
  const page = await demo.newPage();
  await page.goto(`${demo.base}/widget/?order=demo-dz`);
  const phone = page.getByLabel('Yassir Cash phone number');
  await phone.fill('0255 12 34');
  await phone.blur();
  assert.equal(await phone.getAttribute('aria-invalid'), 'true');
  const error = page.locator('.cw-error');
  assert.match(await error.innerText(), /too short|not a mobile/);

  // Pay pressed straight from the field, as a shopper taps it: the press is not lost to the
  // error appearing as the field is left.
  await phone.fill('0555 12');
  const pay = page.getByRole('button', { name: /^Pay/ });
  assert.ok(await pay.isEnabled(), 'Pay can be pressed');
  await pay.click();
  assert.ok(await phone.evaluate((input) => input === input.getRootNode().activeElement), 'the focus is on the phone');
  const live = page.locator('[role="status"]');
  assert.equal(await live.count(), 1, 'one live region');
  assert.match(await live.innerText(), /^Check these details before paying: Number too short/);
  await page.screenshot({ path: join(artifacts, 'e2e-pay-refused.png'), fullPage: true });
  assert.equal((await demo.paymentsFor('demo-dz')).length, paymentsBefore, 'no payment was created');
  await page.context().close();
});

test('Pay is above the fold on a 360×740 phone for every method and language', async () => {
  const context = await demo.browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'en-US' });
  const page = await context.newPage();
  // Yassir Cash (Algeria, Morocco) and mobile money (Congo, Cameroon).
  for (const order of ['demo-dz', 'demo-ma', 'demo-cg', 'demo-cm']) {
    for (const lang of ['en', 'fr', 'ar']) {
      await page.goto(`${demo.base}/widget/?order=${order}&lang=${lang}`);
      const pay = page.locator('button.cw-pay');
      await pay.waitFor();
      const bottom = await pay.evaluate((button) => button.getBoundingClientRect().bottom);
      assert.ok(bottom <= 740, `${order} (${lang}): Pay ends at ${bottom} px`);
      if (lang === 'en') await page.screenshot({ path: join(artifacts, `e2e-fold-${order}.png`) });
    }
  }
  await context.close();
});

test('the phone groups as it is typed, keeps the caret where the shopper types, and takes a pasted +213 number', async () => {
  const page = await demo.newPage();
  await page.goto(`${demo.base}/widget/?order=demo-dz`);
  const phone = page.getByLabel('Yassir Cash phone number');
  const state = () => phone.evaluate((input) => [input.value, input.selectionStart]);
  await phone.pressSequentially('05551234');
  assert.deepEqual(await state(), ['0555 12 34', 10]);
  // Back before " 34", then two digits typed there: each lands after the one before it.
  for (let i = 0; i < 3; i++) await phone.press('ArrowLeft');
  await phone.pressSequentially('90');
  assert.deepEqual(await state(), ['0555 12 90 34', 10]);
  // Backspace twice from the end: over the 4, then over the 3 with the space before it.
  await phone.press('End');
  await phone.press('Backspace');
  await phone.press('Backspace');
  assert.deepEqual(await state(), ['0555 12 90', 10]);

  await phone.fill('');
  await phone.focus();
  await page.keyboard.insertText('+213-555-00-00-01');
  assert.deepEqual(await state(), ['+213 555 00 00 01', 17]);
  assert.equal(await phone.getAttribute('autocomplete'), 'tel');
  await page.context().close();
});

test("a provider's test number typed in test mode is shown ungrouped and taken, the operator then asked for", async () => {
  const page = await demo.newPage();
  await page.goto(`${demo.base}/widget/?order=demo-cg&lang=fr`);
  const number = page.getByLabel('Numéro Mobile Money');
  await number.pressSequentially('46733123451');
  assert.equal(await number.inputValue(), '46733123451');
  await page.getByRole('button', { name: /^Payer/ }).click();
  assert.equal(await number.getAttribute('aria-invalid'), 'false', 'the number is taken');
  const operator = page.getByLabel('Opérateur');
  assert.ok(await operator.evaluate((select) => select === select.getRootNode().activeElement), 'the focus is on the operator');
  await page.context().close();
});

// Where each group of digits is drawn, left to right: a number inside Arabic text keeps its
// reading order on screen (not only in the markup), on one line, at a phone's width.
async function drawnGroups(element, groups) {
  return element.evaluate((node, groups) => {
    const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
    const boxes = {};
    for (let text = walker.nextNode(); text; text = walker.nextNode()) {
      for (const group of groups) {
        const at = text.data.indexOf(group);
        if (at < 0 || boxes[group]) continue;
        const range = document.createRange();
        range.setStart(text, at);
        range.setEnd(text, at + group.length);
        const box = range.getClientRects()[0];
        boxes[group] = { left: box.left, top: Math.round(box.top) };
      }
    }
    return groups.map((group) => boxes[group]);
  }, groups);
}

test('numbers inside Arabic text are drawn in their own order, on one line', async () => {
  const context = await demo.browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'ar' });
  const page = await context.newPage();
  await page.goto(`${demo.base}/widget/?order=demo-dz&lang=ar`);
  const hint = page.locator("[id$='-yassir-phone-hint']");
  await hint.waitFor();
  const groups = ['0555', '12', '34', '56'];
  const boxes = await drawnGroups(hint, groups);
  for (const [index, box] of boxes.entries()) {
    assert.ok(box, `${groups[index]} is drawn: ${await hint.innerText()}`);
  }
  assert.equal(new Set(boxes.map((box) => box.top)).size, 1, `one line: ${JSON.stringify(boxes)}`);
  for (let index = 1; index < boxes.length; index++) {
    assert.ok(boxes[index - 1].left < boxes[index].left, `${groups.join(' ')} left to right: ${JSON.stringify(boxes)}`);
  }
  await context.close();
});
