// Node's Buffer has fast, argument-check-free latin1 codecs that @types/node does not declare.
// The hot path uses them for subjects (bytes round-trip unchanged as latin1).
declare global {
  interface Buffer {
    latin1Slice(start: number, end: number): string;
    latin1Write(s: string, offset: number, length: number): number;
  }
}
export {};
