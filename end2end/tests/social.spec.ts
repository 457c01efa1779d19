// 社会评议 on phones: the admin opens a campaign and prints its poster; a resident with no
// account opens the QR link, taps 满意 and submits once; a second submission from the
// same phone, a forged link and a closed campaign are refused.
import { test, expect, Page } from './fixtures';
import { LoginPage, snap, waitForHydration } from './pages';

async function signIn(page: Page, username: string) {
  const login = new LoginPage(page);
  await login.goto();
  await login.signIn(username);
  await page.waitForURL((url) => !url.pathname.endsWith('/login'));
  await waitForHydration(page);
}

test('the admin opens a campaign and a resident rates it once, without an account', async ({ browser }) => {
  const adminContext = await browser.newContext();
  const admin = await adminContext.newPage();
  await signIn(admin, 'admin');
  await admin.getByTestId('to-campaigns').click();
  await expect(admin).toHaveURL(/\/campaigns$/);
  await waitForHydration(admin);
  await expect(admin.getByTestId('campaign-form')).toBeVisible();
  await admin.getByTestId('campaign-period').fill('2026-11');
  await admin.getByTestId('campaign-days').fill('7');
  await admin.getByTestId('campaign-create').click();
  const card = admin.getByTestId('campaign').first();
  await expect(card).toHaveAttribute('data-open', 'true');
  await expect(card.getByTestId('campaign-counts')).toContainText('共 0 条');
  const link = await card.getByTestId('campaign-link').inputValue();
  expect(link).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/r\/[\w-]+\.[\w-]+\.[\w-]+$/);

  // The poster opens in a new tab: name, period, instructions and the QR code.
  const [poster] = await Promise.all([adminContext.waitForEvent('page'), card.getByTestId('campaign-poster').click()]);
  await poster.waitForLoadState();
  await expect(poster.getByTestId('poster-qr').locator('svg')).toBeVisible();
  await expect(poster.getByTestId('poster')).toContainText('2026年11月工作满意度评价');
  await expect(poster.getByTestId('poster')).toContainText('每部手机限评一次');
  await snap(poster, 'social-poster');
  await poster.close();

  // A resident: a fresh browser, no account. A second tab holds the form to submit again.
  const residentContext = await browser.newContext();
  const resident = await residentContext.newPage();
  const opened = await resident.goto(link);
  expect(opened?.status()).toBe(200);
  await expect(resident.getByTestId('campaign-title')).toBeVisible();
  const second = await residentContext.newPage();
  await second.goto(link);
  await snap(resident, 'social-resident');

  await resident.getByTestId('level-satisfied').click();
  await resident.getByTestId('comment').fill('路灯修好了，<b>谢谢</b>！');
  const started = Date.now();
  await resident.getByTestId('submit').click();
  await expect(resident.getByTestId('message')).toHaveAttribute('data-code', 'accepted');
  console.log(`proof of work and submission took ${Date.now() - started} ms after the tap`);
  await expect(resident.getByRole('heading', { name: '感谢您的评价' })).toBeVisible();
  await snap(resident, 'social-thanks');

  // The same phone submits again from the other tab: refused, kindly.
  await second.getByTestId('level-basic').click();
  await second.getByTestId('submit').click();
  await expect(second.getByTestId('message')).toHaveAttribute('data-code', 'already_rated');
  await expect(second.getByRole('heading', { name: '您已评价过，感谢参与' })).toBeVisible();
  await snap(second, 'social-refused');
  // Opening the link again says so at once.
  await resident.goto(link);
  await expect(resident.getByTestId('message')).toHaveAttribute('data-code', 'already_rated');

  // A forged link: another signature.
  const forged = link.replace(/\.[\w-]+$/, '.' + 'A'.repeat(43));
  const refused = await resident.goto(forged);
  expect(refused?.status()).toBe(403);
  await expect(resident.getByRole('heading', { name: '二维码无效' })).toBeVisible();
  await snap(resident, 'social-forged');

  // The admin sees the count, then closes the campaign; the link then says it is over.
  await admin.reload();
  await waitForHydration(admin);
  const counted = admin.getByTestId('campaign').first();
  await expect(counted.getByTestId('campaign-counts')).toContainText('满意 1');
  await expect(counted.getByTestId('campaign-counts')).toContainText('共 1 条');
  await snap(admin, 'social-admin');
  await counted.getByTestId('campaign-close').click();
  await expect(counted).toHaveAttribute('data-open', 'false');
  const closed = await resident.goto(link);
  expect(closed?.status()).toBe(410);
  await expect(resident.getByRole('heading', { name: '本次评议已结束' })).toBeVisible();
});
