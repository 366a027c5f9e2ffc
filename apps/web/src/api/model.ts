/*
 * The config model as the console edits it: the *input* side of the shared zod schemas (defaults
 * not yet applied), which is what the config file says and what the admin API accepts.
 */
import type { z } from 'zod';
import type { AccountSchema, ExportSchema, ImportSchema, OptionsInput, PermissionsSchema, UserSchema } from '@switchboard/shared';

export type AccountModel = z.input<typeof AccountSchema>;
export type ExportModel = z.input<typeof ExportSchema>;
export type ImportModel = z.input<typeof ImportSchema>;
export type UserModel = z.input<typeof UserSchema>;
export type PermissionsModel = z.input<typeof PermissionsSchema>;
export type ConfigModel = OptionsInput;
