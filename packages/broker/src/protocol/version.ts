/** The nats-server version whose protocol Switchboard speaks (INFO `version`). */
export const VERSION = '2.9.10';
/** Switchboard's own release. */
export const SWITCHBOARD_VERSION = '0.1.0';
/** INFO `go`: nats-server reports its Go runtime; we report ours. */
export const GO_VERSION = `node ${process.version}`;
