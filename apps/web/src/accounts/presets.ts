/*
 * Permission presets for a user. Each fills the allow/deny lists for one subject (or pattern);
 * the lists stay editable afterwards.
 */
import type { PermissionsModel as Permissions } from '../api/model';

export type PresetName = 'publisher' | 'subscriber' | 'responder';

export const PRESETS: { name: PresetName; label: string; help: string }[] = [
  { name: 'publisher', label: 'Publisher', help: 'may publish on the subject, may not subscribe to anything' },
  { name: 'subscriber', label: 'Subscriber', help: 'may subscribe to the subject, may not publish' },
  { name: 'responder', label: 'Service responder', help: 'may subscribe to the service subject and reply to requests (allow_responses)' },
];

export function presetPermissions(preset: PresetName, subject: string): Permissions {
  switch (preset) {
    case 'publisher':
      return { publish: { allow: [subject] }, subscribe: { deny: ['>'] } };
    case 'subscriber':
      return { publish: { deny: ['>'] }, subscribe: { allow: [subject] } };
    case 'responder':
      return { subscribe: { allow: [subject] }, allowResponses: { maxMsgs: 1, expires: 2 * 60 * 1000 } };
  }
}
