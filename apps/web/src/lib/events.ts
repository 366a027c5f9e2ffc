/*
 * One shared EventSource on /api/events (server-sent events fanned out from $SYS), reference
 * counted by the components that listen. Listeners get the parsed JSON of one event type.
 */
import { useEffect, useRef, useState } from 'react';

type Listener = (data: unknown, type: string, time: number) => void;

let source: EventSource | null = null;
const listeners = new Map<string, Set<Listener>>();
const statusListeners = new Set<(s: EventsStatus) => void>();
let status: EventsStatus = 'closed';
let users = 0;

export type EventsStatus = 'connecting' | 'open' | 'error' | 'closed';

function setStatus(s: EventsStatus) {
  status = s;
  for (const l of statusListeners) l(s);
}

function attach(type: string) {
  source?.addEventListener(type, (ev) => dispatch(type, (ev as MessageEvent).data));
}

/** Unwraps a ConsoleEvent (`{type, subject, time, data}`) to its data and time. */
export function unwrapEvent(raw: string): { data: unknown; time: number } {
  let parsed: unknown = raw;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { data: raw, time: Date.now() };
  }
  if (parsed && typeof parsed === 'object' && 'data' in parsed && 'type' in parsed) {
    const ev = parsed as { data: unknown; time?: string };
    const t = ev.time ? Date.parse(ev.time) : NaN;
    return { data: ev.data, time: Number.isNaN(t) ? Date.now() : t };
  }
  return { data: parsed, time: Date.now() };
}

function dispatch(type: string, raw: string) {
  const { data, time } = unwrapEvent(raw);
  for (const l of listeners.get(type) ?? []) l(data, type, time);
  for (const l of listeners.get('*') ?? []) l(data, type, time);
}

function open() {
  if (source || typeof EventSource === 'undefined') return;
  setStatus('connecting');
  source = new EventSource('/api/events', { withCredentials: true });
  source.onopen = () => setStatus('open');
  source.onerror = () => setStatus(source?.readyState === EventSource.CLOSED ? 'closed' : 'error');
  source.onmessage = (ev) => dispatch('message', ev.data);
  for (const t of listeners.keys()) if (t !== '*' && t !== 'message') attach(t);
}

function close() {
  source?.close();
  source = null;
  setStatus('closed');
}

export function subscribeEvents(types: string[], fn: Listener): () => void {
  users++;
  for (const t of types) {
    let set = listeners.get(t);
    if (!set) {
      set = new Set();
      listeners.set(t, set);
      if (source && t !== '*' && t !== 'message') attach(t);
    }
    set.add(fn);
  }
  open();
  return () => {
    for (const t of types) listeners.get(t)?.delete(fn);
    users--;
    if (users === 0) close();
  };
}

/** Calls `fn` for every event of the given types while the component is mounted. */
export function useEvents(types: string[], fn: Listener): void {
  const ref = useRef(fn);
  ref.current = fn;
  const key = types.join(',');
  useEffect(() => subscribeEvents(key.split(','), (d, t, time) => ref.current(d, t, time)), [key]);
}

export function useEventsStatus(): EventsStatus {
  const [s, setS] = useState(status);
  useEffect(() => {
    statusListeners.add(setS);
    setS(status);
    return () => void statusListeners.delete(setS);
  }, []);
  return s;
}
