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
  async addUser(user: string, password: string): Promise<void> {
    const i = await this.page.locator('[data-testid^="user-"]').count();
    await this.page.getByRole('button', { name: 'Add user' }).click();
    await expect(this.page.getByTestId(`user-${i}`)).toBeVisible();
    await this.page.getByLabel(`User ${i + 1} name`).fill(user);
    await this.page.getByLabel(`User ${i + 1} password`).fill(password);
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
