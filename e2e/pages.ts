/* Page objects of the console: each page's actions and checks in one place. */
import { expect, type Locator, type Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';

export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync('test-results/screenshots', { recursive: true });
  await page.screenshot({ path: `test-results/screenshots/${name}.png`, fullPage: true });
}

export class LoginPage {
  constructor(readonly page: Page) {}
  async login(baseUrl: string, user: string, password: string): Promise<void> {
    await this.page.goto(baseUrl + '/');
    await this.page.getByLabel('User', { exact: true }).fill(user);
    await this.page.getByLabel('Password').fill(password);
    await this.page.getByRole('button', { name: 'Sign in' }).click();
    await expect(this.page.getByTestId('whoami')).toHaveText(user);
  }
}

export class Nav {
  constructor(readonly page: Page) {}
  async to(label: string): Promise<void> {
    await this.page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: label }).click();
  }
}

export class OverviewPage {
  constructor(readonly page: Page) {}
  chart(id: string): Locator {
    return this.page.getByTestId(`chart-${id}`);
  }
  async points(id = 'msgs'): Promise<number> {
    return Number(await this.chart(id).getAttribute('data-points'));
  }
}

export class AccountEditor {
  constructor(readonly page: Page) {}
  async openNew(): Promise<void> {
    await this.page.getByRole('button', { name: 'New account' }).click();
    await expect(this.page.getByRole('heading', { name: 'New account' })).toBeVisible();
  }
  async open(name: string): Promise<void> {
    await this.page.getByRole('link', { name, exact: true }).click();
    await expect(this.page.getByRole('heading', { name: `Account ${name}` })).toBeVisible();
  }
  async setName(name: string): Promise<void> {
    await this.page.getByRole('textbox', { name: 'Name', exact: true }).fill(name);
  }
  /** Adds a password user (stored as a bcrypt hash unless `plain`); returns its index. */
  async addUser(user: string, password: string, opts: { plain?: boolean } = {}): Promise<number> {
    const i = await this.page.locator('.card[data-testid^="user-"]').count();
    await this.page.getByRole('button', { name: 'Add user' }).click();
    await expect(this.page.getByTestId(`user-${i}`)).toBeVisible();
    await this.page.getByLabel(`User ${i + 1} name`).fill(user);
    await this.page.getByLabel(`User ${i + 1} password`, { exact: true }).fill(password);
    if (opts.plain) await this.storage(i).selectOption('plain');
    return i;
  }
  async addExport(kind: 'stream' | 'service', subject: string, accounts = ''): Promise<void> {
    const i = await this.page.locator('[data-testid^="export-"]').count();
    await this.page.getByRole('button', { name: 'Add export' }).click();
    await expect(this.page.getByTestId(`export-${i}`)).toBeVisible();
    await this.page.getByLabel(`Export ${i + 1} kind`).selectOption(kind);
    await this.page.getByLabel(`Export ${i + 1} subject`).fill(subject);
    if (accounts) await this.page.getByLabel(`Export ${i + 1} accounts`).fill(accounts);
  }
  async addImport(kind: 'stream' | 'service', account: string, subject: string, local: { prefix?: string; to?: string } = {}): Promise<number> {
    const i = await this.page.locator('[data-testid^="import-"]').count();
    await this.page.getByRole('button', { name: 'Add import' }).click();
    await expect(this.page.getByTestId(`import-${i}`)).toBeVisible();
    await this.page.getByLabel(`Import ${i + 1} kind`).selectOption(kind);
    await this.page.getByLabel(`Import ${i + 1} account`).fill(account);
    await this.page.getByLabel(`Import ${i + 1} subject`).fill(subject);
    if (local.prefix) await this.page.getByLabel(`Import ${i + 1} prefix`).fill(local.prefix);
    if (local.to) await this.page.getByLabel(`Import ${i + 1} to`).fill(local.to);
    await this.page.getByLabel(`Import ${i + 1} subject`).blur();
    return i;
  }
  /** Adds a user that authenticates with a generated nkey; returns its index. The seed shows once. */
  async addNkeyUser(): Promise<number> {
    const i = await this.page.locator('.card[data-testid^="user-"]').count();
    await this.page.getByRole('button', { name: 'Add user' }).click();
    const card = this.page.getByTestId(`user-${i}`);
    await card.getByRole('radio', { name: 'nkey' }).check();
    await card.getByRole('button', { name: `Generate an nkey pair for user ${i + 1}` }).click();
    await expect(this.seed(i)).toBeVisible();
    return i;
  }
  seed(i: number): Locator {
    return this.page.getByTestId(`user-${i}-seed`);
  }
  async seedValue(i: number): Promise<string> {
    return this.page.getByLabel(`User ${i + 1} nkey seed`).inputValue();
  }
  async publicKey(i: number): Promise<string> {
    return this.page.getByLabel(`User ${i + 1} nkey`, { exact: true }).inputValue();
  }
  storage(i: number): Locator {
    return this.page.getByLabel(`User ${i + 1} password storage`);
  }
  storageHint(i: number): Locator {
    return this.page.getByTestId(`user-${i}-storage-hint`);
  }
  importError(i: number): Locator {
    return this.page.getByTestId(`import-${i}`).locator('.field-error');
  }
  async review(): Promise<ReviewDialog> {
    await this.page.getByRole('button', { name: 'Review changes' }).click();
    const d = new ReviewDialog(this.page);
    await expect(d.dialog).toBeVisible();
    return d;
  }
}

export class ReviewDialog {
  readonly dialog: Locator;
  constructor(readonly page: Page) {
    this.dialog = page.getByRole('dialog');
  }
  async expectChanges(): Promise<void> {
    await expect(this.dialog.getByTestId('change').first()).toBeVisible();
  }
  async apply(): Promise<void> {
    await this.expectChanges();
    await this.dialog.getByRole('button', { name: 'Apply' }).click();
  }
  async expectApplied(): Promise<void> {
    await expect(this.dialog.getByTestId('apply-result')).toBeVisible();
  }
  async done(): Promise<void> {
    await this.dialog.getByRole('button', { name: 'Done' }).click();
    await expect(this.dialog).toBeHidden();
  }
  conflict(): Locator {
    return this.dialog.getByTestId('conflict');
  }
  /** The diff lines of one change (`+ …`, `- …`, `  …`), as shown. */
  async lines(path: string): Promise<string[]> {
    const change = this.dialog.getByTestId('change').filter({ has: this.page.locator('code', { hasText: path }) });
    return change.locator('pre.diff > span').allTextContents();
  }
}

/** The "Leave without saving?" prompt of a form with unsaved changes. */
export class UnsavedPrompt {
  readonly dialog: Locator;
  constructor(readonly page: Page) {
    this.dialog = page.getByRole('dialog', { name: 'Leave without saving?' });
  }
  async stay(): Promise<void> {
    await this.dialog.getByRole('button', { name: 'Stay and keep editing' }).click();
    await expect(this.dialog).toBeHidden();
  }
  async leave(): Promise<void> {
    await this.dialog.getByRole('button', { name: 'Leave and discard changes' }).click();
    await expect(this.dialog).toBeHidden();
  }
}

export interface Control {
  /** tag and accessible-ish name, e.g. `button "Add user"`. */
  what: string;
  /** The tooltip explaining why it is disabled (own or an ancestor's title), if disabled. */
  reason?: string;
}

/**
 * The visible form controls in the page's main area, split into enabled and disabled (a
 * disabled fieldset counts, as `:disabled` does). Closed <details> hide their fields: open them
 * first with `openAllDetails`.
 */
export async function controls(page: Page): Promise<{ enabled: Control[]; disabled: Control[] }> {
  return page.locator('main').evaluate((main) => {
    const enabled: { what: string; reason?: string }[] = [];
    const disabled: { what: string; reason?: string }[] = [];
    for (const el of main.querySelectorAll<HTMLElement>('button, input, select, textarea')) {
      if (el.getClientRects().length === 0) continue;
      const input = el as HTMLInputElement;
      const label =
        el.getAttribute('aria-label') ??
        (input.labels?.[0]?.textContent?.trim() || undefined) ??
        (el.textContent?.trim() || undefined) ??
        input.placeholder ??
        input.type;
      const what = `${el.tagName.toLowerCase()}${input.type && el.tagName === 'INPUT' ? `[${input.type}]` : ''} "${label}"`;
      if (el.matches(':disabled')) disabled.push({ what, reason: (el.closest('[title]') as HTMLElement | null)?.title || undefined });
      else enabled.push({ what });
    }
    return { enabled, disabled };
  });
}

export async function openAllDetails(page: Page): Promise<void> {
  await page.locator('main details').evaluateAll((ds) => ds.forEach((d) => ((d as HTMLDetailsElement).open = true)));
}

/** How far the page is wider than the window (0 when nothing sticks out sideways). */
export async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth) - document.documentElement.clientWidth);
}

export class ConsoleUsersPage {
  constructor(readonly page: Page) {}
  row(user: string): Locator {
    return this.page.getByRole('row').filter({ has: this.page.getByRole('cell', { name: user, exact: true }) });
  }
  addButton(): Locator {
    return this.page.getByRole('button', { name: 'Add user', exact: true });
  }
  removeButton(user: string): Locator {
    return this.page.getByRole('button', { name: `Remove user ${user}` });
  }
  async open(): Promise<void> {
    await new Nav(this.page).to('Console users');
    await expect(this.page.getByRole('heading', { name: 'Console users' })).toBeVisible();
  }
  /** Opens the form, fills it and submits; the dialog stays open on a failure. */
  async add(user: string, password: string, role: 'admin' | 'viewer'): Promise<Locator> {
    const dialog = this.page.getByRole('dialog', { name: 'Add console user' });
    if (!(await dialog.isVisible())) await this.addButton().click();
    await dialog.getByLabel('User name').fill(user);
    await dialog.getByLabel('Password').fill(password);
    await dialog.getByLabel('Role').selectOption(role);
    await dialog.getByRole('button', { name: 'Add user' }).click();
    return dialog;
  }
  async remove(user: string): Promise<void> {
    await this.removeButton(user).click();
    const dialog = this.page.getByRole('dialog', { name: `Remove user ${user}` });
    const confirm = dialog.getByRole('button', { name: 'Remove user' });
    await expect(confirm).toBeDisabled();
    await dialog.getByLabel(`Type ${user} to confirm`).fill(user);
    await confirm.click();
    await expect(dialog).toBeHidden();
  }
}

export async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
}
