/*
 * Light or dark, as the browser says (prefers-color-scheme). The page itself follows through CSS
 * (styles.css); SVG drawn by code (recharts, the import/export map) takes its colours from the
 * palette of the current scheme, which changes live when the setting does.
 */
import { useSyncExternalStore } from 'react';

export type ColorScheme = 'light' | 'dark';

const QUERY = '(prefers-color-scheme: dark)';

function subscribe(onChange: () => void): () => void {
  if (typeof window === 'undefined' || !window.matchMedia) return () => undefined;
  const mq = window.matchMedia(QUERY);
  mq.addEventListener('change', onChange);
  return () => mq.removeEventListener('change', onChange);
}

function current(): ColorScheme {
  return typeof window !== 'undefined' && window.matchMedia?.(QUERY).matches ? 'dark' : 'light';
}

export function useColorScheme(): ColorScheme {
  return useSyncExternalStore(subscribe, current, () => 'light');
}

export interface Palette {
  ink: string;
  muted: string;
  grid: string;
  axis: string;
  panel: string;
  line: string;
  /** Series colours. */
  in: string;
  out: string;
  connections: string;
  subscriptions: string;
  slow: string;
  cpu: string;
  mem: string;
  /** Import/export map. */
  stream: string;
  service: string;
  bad: string;
  badFill: string;
}

const LIGHT: Palette = {
  ink: '#1d2430',
  muted: '#5d6878',
  grid: '#eef0f4',
  axis: '#8a94a6',
  panel: '#ffffff',
  line: '#dfe3ea',
  in: '#2457c5',
  out: '#c2410c',
  connections: '#15803d',
  subscriptions: '#7e22ce',
  slow: '#b3261e',
  cpu: '#0e7490',
  mem: '#a16207',
  stream: '#2457c5',
  service: '#8a5a00',
  bad: '#b3261e',
  badFill: '#fbe5e3',
};

// Lighter, less saturated hues: readable on the dark panel without glaring.
const DARK: Palette = {
  ink: '#e3e8f0',
  muted: '#9aa6b8',
  grid: '#2a3240',
  axis: '#7d889b',
  panel: '#1a2029',
  line: '#323b4a',
  in: '#7aa2ff',
  out: '#ff9b66',
  connections: '#5fd08a',
  subscriptions: '#c59bff',
  slow: '#ff8a80',
  cpu: '#4fd1e6',
  mem: '#f0c050',
  stream: '#7aa2ff',
  service: '#e0b050',
  bad: '#ff8a80',
  badFill: '#3d1f1d',
};

export function palette(scheme: ColorScheme): Palette {
  return scheme === 'dark' ? DARK : LIGHT;
}

export function usePalette(): Palette {
  return palette(useColorScheme());
}
