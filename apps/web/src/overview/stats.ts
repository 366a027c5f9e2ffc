/*
 * The chart windows. Points come from /api/stats and are extended live by `stats` events (one
 * sample per server per second) with the shared `addSample`, the rule the server's history follows,
 * so a window drawn live and the same window reloaded agree.
 */
export { addSample } from '@switchboard/shared';

export const WINDOWS = [
  { id: '5m', label: '5 min' },
  { id: '1h', label: '1 hour' },
  { id: '24h', label: '24 hours' },
] as const;
export type WindowId = (typeof WINDOWS)[number]['id'];
