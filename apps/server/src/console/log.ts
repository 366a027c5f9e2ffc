/** Where the console reports what an operator should know (the broker's Logger fits). */
export interface ConsoleLog {
  info(msg: string): void;
  warn(msg: string): void;
  error(msg: string): void;
}

/** Discards everything (tests, embedded use without a logger). */
export const silentLog: ConsoleLog = { info: () => {}, warn: () => {}, error: () => {} };
