import { test, expect } from './fixtures';
import { AppFrame, LoginPage, snap, users, waitForHydration } from './pages';

test('after one visit the app opens offline with its shell', async ({ page, context }) => {
  const login = new LoginPage(page);
  await login.goto();
  await login.signIn(users.cadre.username);
  await expect(page).toHaveURL(/\/filing$/);
  await waitForHydration(page);
  // Wait for the service worker to control the page and keep it.
  await page.evaluate(async () => {
    const reg = await navigator.serviceWorker.ready;
    if (!navigator.serviceWorker.controller) {
      await new Promise((resolve) => navigator.serviceWorker.addEventListener('controllerchange', resolve));
    }
    return reg.active?.state;
  });
  await page.reload();
  await waitForHydration(page);
  await page.waitForFunction(async () => {
    const cache = await caches.open('kaohe-v1-pages');
    return (await cache.keys()).some((r) => new URL(r.url).pathname === '/filing');
  });

  await context.setOffline(true);
  await page.reload();
  const frame = new AppFrame(page);
  await expect(frame.tabBar()).toBeVisible();
  await expect(frame.currentUser()).toHaveText(users.cadre.name);
  await waitForHydration(page);
  await expect(page.getByTestId('offline-banner')).toBeVisible();
  await snap(page, 'offline-filing');
  await context.setOffline(false);
});
