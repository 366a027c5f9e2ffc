/**
 * Differential protocol tests: the same raw byte streams against nats-server 2.9.10 and
 * Switchboard; both must answer with the same frames and close (or not) alike.
 */
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Switchboard } from '@switchboard/broker';
import { startEmbedded, startProcess, natsServerAvailable, type ProcServer } from '../helpers/servers.js';
import { run, parseFrames, type Outcome, type RunOptions } from './harness.js';
import { RawConn } from '../helpers/raw.js';

const skip = natsServerAvailable() ? false : 'nats-server is not on PATH: differential tests need the real server';

/** CONNECT lines used by the scenarios. */
const QUIET = 'CONNECT {"verbose":false,"pedantic":false}\r\n';
const HDRS = 'CONNECT {"verbose":false,"pedantic":false,"headers":true,"no_responders":true,"protocol":1}\r\n';

interface Scenario {
  name: string;
  chunks: Array<string | Buffer>;
  opts?: RunOptions;
  /** What we also expect of nats-server, so that a scenario cannot pass by both servers doing nothing. */
  expect?: { closed?: boolean; frames?: string[]; includes?: string };
}

const big = 'a'.repeat(5000);

const scenarios: Scenario[] = [
  // ---- bad ops ----
  { name: 'unknown op FOO', chunks: ['FOO\r\n'], expect: { closed: true, frames: ["-ERR 'Unknown Protocol Operation'"] } },
  { name: 'PUBX', chunks: ['PUBX foo 1\r\nx\r\n'], expect: { closed: true } },
  { name: 'MSG from a client', chunks: [QUIET, 'MSG foo 1 1\r\nx\r\n'], expect: { closed: true } },
  { name: 'SUBX after a valid op', chunks: [QUIET, 'SUB foo 1\r\nSUBX foo 2\r\n'], expect: { closed: true } },
  { name: 'lone CRLF', chunks: [QUIET, '\r\n'] },
  { name: 'empty op with spaces', chunks: [QUIET, '   \r\n'] },
  { name: 'PING with trailing junk', chunks: [QUIET, 'PINGX\r\n'] },
  { name: 'PONG from the client is silent', chunks: [QUIET, 'PONG\r\n'], expect: { frames: ['PONG'] } },
  // ---- bad subjects ----
  { name: 'SUB foo..bar', chunks: [QUIET, 'SUB foo..bar 1\r\n'], expect: { closed: false, frames: ["-ERR 'Invalid Subject'", 'PONG'] } },
  { name: 'SUB foo.>.bar', chunks: [QUIET, 'SUB foo.>.bar 1\r\n'], expect: { closed: false, includes: "-ERR 'Invalid Subject'" } },
  { name: 'SUB .foo', chunks: [QUIET, 'SUB .foo 1\r\n'] },
  { name: 'SUB foo.', chunks: [QUIET, 'SUB foo. 1\r\n'] },
  { name: 'SUB with queue and bad subject', chunks: [QUIET, 'SUB a..b q 1\r\n'] },
  { name: 'SUB missing sid', chunks: [QUIET, 'SUB foo\r\n'] },
  { name: 'SUB too many args', chunks: [QUIET, 'SUB foo q 1 extra\r\n'] },
  { name: 'SUB duplicate sid', chunks: [QUIET, 'SUB foo 1\r\nSUB bar 1\r\nPUB foo 1\r\na\r\nPUB bar 1\r\nb\r\n'] },
  { name: 'UNSUB unknown sid', chunks: [QUIET, 'UNSUB 99\r\n'] },
  { name: 'UNSUB missing sid', chunks: [QUIET, 'UNSUB\r\n'] },
  { name: 'UNSUB bad max', chunks: [QUIET, 'SUB foo 1\r\nUNSUB 1 x\r\nPUB foo 1\r\na\r\n'] },
  // ---- pedantic ----
  { name: 'pedantic PUB to a wildcard subject', chunks: ['CONNECT {"verbose":false,"pedantic":true}\r\n', 'SUB foo.* 1\r\nPUB foo.* 2\r\nhi\r\n'], expect: { includes: "-ERR 'Invalid Publish Subject'" } },
  { name: 'pedantic PUB to an invalid subject', chunks: ['CONNECT {"verbose":false,"pedantic":true}\r\n', 'PUB foo..bar 2\r\nhi\r\n'] },
  { name: 'pedantic PUB to >', chunks: ['CONNECT {"verbose":false,"pedantic":true}\r\n', 'SUB > 1\r\nPUB > 1\r\nx\r\n'] },
  { name: 'pedantic PUB with a form feed in the subject', chunks: ['CONNECT {"verbose":false,"pedantic":true}\r\n', 'SUB a\fb 1\r\nPUB a\fb 1\r\nx\r\n'] },
  { name: 'pedantic PUB with an empty token', chunks: ['CONNECT {"verbose":false,"pedantic":true}\r\n', 'SUB > 1\r\nPUB a. 1\r\nx\r\n'] },
  { name: 'non-pedantic PUB to a wildcard subject', chunks: [QUIET, 'SUB foo.* 1\r\nPUB foo.* 2\r\nhi\r\n'] },
  { name: 'pedantic verbose PUB to a wildcard subject', chunks: ['CONNECT {"verbose":true,"pedantic":true}\r\n', 'PUB foo.> 0\r\n\r\n'] },
  // ---- limits ----
  { name: 'payload too big', chunks: [QUIET, 'PUB foo 2000000\r\n'], expect: { closed: true, frames: ["-ERR 'Maximum Payload Violation'"] } },
  { name: 'HPUB total too big', chunks: [HDRS, 'HPUB foo 12 2000000\r\n'], expect: { closed: true } },
  { name: 'control line too long', chunks: [QUIET, `PUB ${big} 1\r\nx\r\n`], expect: { closed: true, includes: "-ERR 'maximum control line exceeded'" } },
  { name: 'control line too long without newline', chunks: [QUIET, `SUB ${big}`], expect: { closed: true } },
  { name: 'long CONNECT line', chunks: [`CONNECT {"verbose":false,"name":"${big}"}\r\n`] },
  { name: 'long PING line', chunks: [QUIET, `PING${' '.repeat(5000)}\r\n`] },
  // ---- verbose ----
  { name: 'verbose +OK for CONNECT/SUB/UNSUB/PUB', chunks: ['CONNECT {"verbose":true,"pedantic":false}\r\n', 'SUB foo 1\r\nPUB foo 2\r\nhi\r\nUNSUB 1\r\nPUB foo 0\r\n\r\n'], expect: { frames: ['+OK', '+OK', '+OK', 'MSG foo 1 2\r\nhi', '+OK', '+OK', 'PONG'] } },
  { name: 'no CONNECT: verbose by default', chunks: ['SUB foo 1\r\nPUB foo 1\r\nx\r\n'] },
  { name: 'verbose +OK for a bad SUB', chunks: ['CONNECT {"verbose":true}\r\n', 'SUB foo..x 1\r\n'] },
  // ---- CONNECT ----
  { name: 'CONNECT bad JSON', chunks: ['CONNECT {bad}\r\n'] },
  { name: 'CONNECT not an object', chunks: ['CONNECT 42\r\n'] },
  { name: 'CONNECT without args', chunks: ['CONNECT\r\n'] },
  { name: 'CONNECT wrong field type', chunks: ['CONNECT {"verbose":"yes"}\r\n'] },
  { name: 'CONNECT unknown fields', chunks: ['CONNECT {"verbose":false,"foo":1,"bar":{"x":[1]}}\r\n'] },
  { name: 'CONNECT protocol 2', chunks: ['CONNECT {"verbose":false,"protocol":2}\r\n'], expect: { closed: true } },
  { name: 'CONNECT protocol -1', chunks: ['CONNECT {"verbose":false,"protocol":-1}\r\n'] },
  { name: 'CONNECT no_responders without headers', chunks: ['CONNECT {"verbose":false,"no_responders":true}\r\n'], expect: { closed: true } },
  { name: 'CONNECT with account', chunks: ['CONNECT {"verbose":false,"account":"A"}\r\n'] },
  { name: 'CONNECT with new_account', chunks: ['CONNECT {"verbose":false,"new_account":true}\r\n'] },
  { name: 'second CONNECT', chunks: [QUIET, 'CONNECT {"verbose":true}\r\nSUB foo 1\r\n'] },
  // ---- headers ----
  { name: 'HPUB without headers negotiated', chunks: [QUIET, 'HPUB foo 12 14\r\nNATS/1.0\r\n\r\nhi\r\n'] },
  { name: 'HPUB before CONNECT', chunks: ['HPUB foo 12 14\r\nNATS/1.0\r\n\r\nhi\r\n'] },
  { name: 'HPUB delivered as HMSG', chunks: [HDRS, 'SUB foo 1\r\nHPUB foo r 22 24\r\nNATS/1.0\r\nA: b\r\n\r\n\r\nhi\r\n'] },
  { name: 'HPUB to a client without headers is a MSG', chunks: [QUIET, 'SUB foo 1\r\n'] },
  { name: 'HPUB header size larger than total', chunks: [HDRS, 'HPUB foo 20 10\r\n0123456789\r\n'] },
  { name: 'HPUB bad header size', chunks: [HDRS, 'HPUB foo x 10\r\n0123456789\r\n'] },
  { name: 'HPUB too few args', chunks: [HDRS, 'HPUB foo 10\r\n0123456789\r\n'] },
  // ---- PUB arguments ----
  { name: 'PUB missing size', chunks: [QUIET, 'PUB foo\r\n'] },
  { name: 'PUB negative size', chunks: [QUIET, 'PUB foo -1\r\n'] },
  { name: 'PUB too many args', chunks: [QUIET, 'PUB foo bar baz 1\r\nx\r\n'] },
  { name: 'PUB with reply', chunks: [QUIET, 'SUB foo 1\r\nPUB foo bar 2\r\nhi\r\n'] },
  { name: 'PUB with a 10-digit size', chunks: [QUIET, 'PUB foo 0000000001\r\nx\r\n'] },
  { name: 'PUB payload not followed by CRLF', chunks: [QUIET, 'SUB foo 1\r\nPUB foo 2\r\nhiX\r\n'], expect: { closed: true } },
  { name: 'PUB payload followed by LF only', chunks: [QUIET, 'SUB foo 1\r\nPUB foo 2\r\nhi\nPING\r\n'] },
  { name: 'PUB payload containing CRLF', chunks: [QUIET, 'SUB foo 1\r\nPUB foo 6\r\na\r\nb\r\n\r\n'] },
  { name: 'PUB with LF-only control line', chunks: [QUIET, 'SUB foo 1\nPUB foo 1\nx\r\n'] },
  // ---- framing ----
  { name: 'many ops in one write', chunks: [QUIET + 'SUB a 1\r\nSUB b 2\r\nSUB > 3\r\nPUB a 1\r\n1\r\nPUB b 1\r\n2\r\nPING\r\nPUB c 1\r\n3\r\nUNSUB 3\r\nPUB c 1\r\n4\r\nPING\r\n'] },
  { name: 'lowercase ops', chunks: ['connect {"verbose":false}\r\n', 'sub foo 1\r\npub foo 2\r\nhi\r\nping\r\nunsub 1\r\npub foo 1\r\nx\r\n'] },
  { name: 'mixed-case ops', chunks: ['Connect {"verbose":false}\r\n', 'sUb foo 1\r\nPuB foo 2\r\nhi\r\nPiNg\r\n'] },
  { name: 'tabs as separators', chunks: [QUIET, 'SUB\tfoo\t1\r\nPUB\tfoo\t2\r\nhi\r\nSUB \t foo \t q \t 2 \t\r\nUNSUB\t1\r\nPUB foo 1\r\nx\r\n'] },
  { name: 'extra spaces', chunks: [QUIET, 'SUB   foo   1  \r\nPUB  foo   2 \r\nhi\r\n'] },
  { name: 'UNSUB with max then messages', chunks: [QUIET, 'SUB foo 1\r\nUNSUB 1 2\r\n', 'PUB foo 1\r\na\r\nPUB foo 1\r\nb\r\nPUB foo 1\r\nc\r\n'], expect: { frames: ['MSG foo 1 1\r\na', 'MSG foo 1 1\r\nb', 'PONG'] } },
  { name: 'UNSUB with max 0', chunks: [QUIET, 'SUB foo 1\r\nUNSUB 1 0\r\nPUB foo 1\r\na\r\n'] },
  { name: 'UNSUB with max below delivered', chunks: [QUIET, 'SUB foo 1\r\nPUB foo 1\r\na\r\nPUB foo 1\r\nb\r\nUNSUB 1 1\r\nPUB foo 1\r\nc\r\n'] },
  { name: 'queue group and plain subscription', chunks: [QUIET, 'SUB foo q 1\r\nSUB foo 2\r\nPUB foo 1\r\na\r\n'] },
  { name: 'wildcards', chunks: [QUIET, 'SUB a.* 1\r\nSUB a.> 2\r\nSUB * 3\r\nSUB > 4\r\nPUB a 1\r\n1\r\nPUB a.b 1\r\n2\r\nPUB a.b.c 1\r\n3\r\n'] },
  { name: 'no responders 503 HMSG', chunks: [HDRS, 'SUB reply 1\r\nPUB nobody reply 0\r\n\r\n'], expect: { frames: ['HMSG reply 1 16 16\r\nNATS/1.0 503\r\n\r\n', 'PONG'] } },
  { name: 'no responders for HPUB', chunks: [HDRS, 'SUB r.* 7\r\nHPUB nobody r.1 12 14\r\nNATS/1.0\r\n\r\nhi\r\n'] },
  { name: 'no responders not sent without reply sub', chunks: [HDRS, 'PUB nobody reply 0\r\n\r\n'] },
  { name: 'echo false', chunks: ['CONNECT {"verbose":false,"echo":false}\r\n', 'SUB foo 1\r\nPUB foo 1\r\nx\r\n'], expect: { frames: ['PONG'] } },
  { name: 'PING/PONG', chunks: [QUIET, 'PING\r\n', 'PING\r\n'], expect: { frames: ['PONG', 'PONG', 'PONG'] } },
  { name: 'PING before CONNECT', chunks: ['PING\r\n'] },
  { name: '-ERR from a client', chunks: [QUIET, "-ERR 'boom'\r\n"], expect: { closed: true } },
  { name: '+OK from a client', chunks: [QUIET, '+OK\r\n'] },
  { name: 'INFO from a client', chunks: [QUIET, 'INFO {}\r\n'] },
  { name: 'binary payload', chunks: [QUIET, 'SUB foo 1\r\n', Buffer.concat([Buffer.from('PUB foo 4\r\n'), Buffer.from([0, 255, 13, 10]), Buffer.from('\r\n')])] },
  // ---- more corners ----
  { name: 'CONNECT field null', chunks: ['CONNECT {"verbose":null,"pedantic":false}\r\nSUB foo 1\r\n'] },
  { name: 'CONNECT protocol 1.5', chunks: ['CONNECT {"verbose":false,"protocol":1.5}\r\n'] },
  { name: 'CONNECT protocol as a string', chunks: ['CONNECT {"verbose":false,"protocol":"1"}\r\n'] },
  { name: 'CONNECT name not a string', chunks: ['CONNECT {"verbose":false,"name":123}\r\n'] },
  { name: 'CONNECT keys in upper case', chunks: ['CONNECT {"VERBOSE":false,"Pedantic":false}\r\nSUB foo 1\r\n'] },
  { name: 'CONNECT trailing garbage', chunks: ['CONNECT {"verbose":false} x\r\n'] },
  { name: 'CONNECT duplicate keys', chunks: ['CONNECT {"verbose":true,"verbose":false}\r\nSUB foo 1\r\n'] },
  { name: 'CONNECT without a space', chunks: ['CONNECT{"verbose":false}\r\nSUB foo 1\r\n'] },
  { name: 'CONNECT with a tab', chunks: ['CONNECT\t{"verbose":false}\r\nSUB foo 1\r\n'] },
  { name: 'CONNECT echo as a number', chunks: ['CONNECT {"verbose":false,"echo":0}\r\n'] },
  { name: 'CONNECT headers true, no_responders false', chunks: ['CONNECT {"verbose":false,"headers":true}\r\nSUB r 1\r\nPUB x r 0\r\n\r\n'] },
  { name: 'CONNECT after ops', chunks: ['SUB foo 1\r\nCONNECT {"verbose":false}\r\nSUB bar 2\r\n'] },
  { name: 'SUB without a space', chunks: [QUIET, 'SUBfoo 1\r\n'] },
  { name: 'PONG with junk', chunks: [QUIET, 'PONGX\r\n'] },
  { name: '+OK with junk', chunks: [QUIET, '+OKX\r\n'] },
  { name: '-ERR without text', chunks: [QUIET, '-ERR\r\n'] },
  { name: 'INFO without args from a client', chunks: [QUIET, 'INFO\r\n'] },
  { name: 'SUB queue with a wildcard', chunks: [QUIET, 'SUB foo q.* 1\r\nPUB foo 1\r\nx\r\n'] },
  { name: 'SUB subject with a control character', chunks: [QUIET, 'SUB a\x00b 1\r\nPUB a\x00b 1\r\nx\r\n'] },
  { name: 'SUB subject with a form feed', chunks: [QUIET, 'SUB a\fb 1\r\n'] },
  { name: 'SUB partial wildcard token', chunks: [QUIET, 'SUB a.b* 1\r\nSUB a.>b 2\r\nPUB a.b* 1\r\nx\r\nPUB a.>b 1\r\ny\r\n'] },
  { name: 'UNSUB too many args', chunks: [QUIET, 'SUB foo 1\r\nUNSUB 1 2 3\r\n'] },
  { name: 'PUB trailing space', chunks: [QUIET, 'SUB foo 1\r\nPUB foo 1 \r\nx\r\n'] },
  { name: 'PUB size with a plus sign', chunks: [QUIET, 'PUB foo +1\r\nx\r\n'] },
  { name: 'PUB reply with a wildcard', chunks: [QUIET, 'SUB foo 1\r\nPUB foo bar.* 1\r\nx\r\n'] },
  { name: 'PUB reserved reply _R_', chunks: [QUIET, 'SUB foo 1\r\nPUB foo _R_.x 1\r\nx\r\n'] },
  { name: 'PUB reserved reply _GR_', chunks: [QUIET, 'SUB foo 1\r\nPUB foo _GR_.x 1\r\nx\r\n'] },
  { name: 'PUB reserved reply $JS.ACK', chunks: [QUIET, 'SUB foo 1\r\nPUB foo $JS.ACK.x 1\r\nx\r\n'] },
  { name: 'PUB to _GR_ subject', chunks: [QUIET, 'SUB _GR_.> 1\r\nPUB _GR_.x 1\r\nx\r\n'] },
  { name: 'PUB to $SYS subject', chunks: [QUIET, 'SUB $SYS.> 1\r\nPUB $SYS.x 1\r\nx\r\n'] },
  { name: 'HPUB header size 0', chunks: [HDRS, 'SUB foo 1\r\nHPUB foo 0 2\r\nhi\r\n'] },
  { name: 'HPUB header equals total', chunks: [HDRS, 'SUB foo 1\r\nHPUB foo 12 12\r\nNATS/1.0\r\n\r\n\r\n'] },
  { name: 'HPUB headers not NATS/1.0', chunks: [HDRS, 'SUB foo 1\r\nHPUB foo 4 6\r\nabcdhi\r\n'] },
  { name: 'PUB to exactly max payload', chunks: [QUIET, 'SUB foo 1\r\nPUB foo 1048576\r\n', Buffer.alloc(1048576, 120), '\r\n'] },
  { name: 'PUB one over max payload', chunks: [QUIET, 'PUB foo 1048577\r\n'] },
  { name: 'control line exactly 4096', chunks: [QUIET, `SUB ${'b'.repeat(4096 - 2)} 1\r\n`] },
  { name: 'control line 4097', chunks: [QUIET, `SUB ${'b'.repeat(4096 - 1)} 1\r\n`] },
  { name: 'verbose UNSUB of an unknown sid and a duplicate SUB', chunks: ['CONNECT {"verbose":true,"pedantic":false}\r\n', 'UNSUB 9\r\nSUB a 1\r\nSUB b 1\r\nSUB a q 1\r\nPUB a 1\r\nx\r\n'] },
  { name: 'UNSUB with max -1', chunks: [QUIET, 'SUB foo 1\r\nUNSUB 1 -1\r\nPUB foo 1\r\nx\r\n'] },
  { name: 'UNSUB max then UNSUB without max', chunks: [QUIET, 'SUB foo 1\r\nUNSUB 1 5\r\nUNSUB 1\r\nPUB foo 1\r\nx\r\n'] },
  { name: 'echo false with HPUB', chunks: ['CONNECT {"verbose":false,"echo":false,"headers":true}\r\n', 'SUB foo 1\r\nHPUB foo 12 14\r\nNATS/1.0\r\n\r\nhi\r\n'] },
  { name: 'no responders with a queue reply subscription', chunks: [HDRS, 'SUB reply q 1\r\nPUB nobody reply 0\r\n\r\n'] },
  { name: 'no responders to a wildcard reply subscription', chunks: [HDRS, 'SUB _INBOX.* 1\r\nSUB _INBOX.> 2\r\nPUB nobody _INBOX.x 0\r\n\r\n'] },
  { name: 'no responders with echo false', chunks: ['CONNECT {"verbose":false,"headers":true,"no_responders":true,"echo":false}\r\n', 'SUB reply 1\r\nPUB nobody reply 0\r\n\r\n'] },
  { name: 'CONNECT with trailing spaces', chunks: ['CONNECT   {"verbose":false}   \r\nSUB foo 1\r\n'] },
  { name: 'CONNECT with an empty object', chunks: ['CONNECT {}\r\nSUB foo 1\r\n'] },
  { name: 'CONNECT null', chunks: ['CONNECT null\r\nSUB foo 1\r\n'] },
  { name: 'CONNECT with user and no auth configured', chunks: ['CONNECT {"verbose":false,"user":"u","pass":"p"}\r\nSUB foo 1\r\n'] },
  { name: 'CONNECT with tls_required true', chunks: ['CONNECT {"verbose":false,"tls_required":true}\r\nSUB foo 1\r\n'] },
  { name: 'PUB with verbose and a reply to nobody', chunks: ['CONNECT {"verbose":true,"headers":true,"no_responders":true}\r\n', 'SUB r 1\r\nPUB x r 0\r\n\r\n'] },
  { name: 'UTF-8 subject', chunks: [QUIET, 'SUB caf\u00e9 1\r\nPUB caf\u00e9 1\r\nx\r\n'] },
  // ---- found by fuzzing (issue 16): CR and LF inside control lines ----
  { name: 'stray CRs inside a SUB line', chunks: [QUIET, 'SUB foo.> 3\r9\r9\n'], expect: { closed: false, frames: ['PONG'] } },
  { name: 'stray CRs inside a SUB line, then a PUB', chunks: [QUIET, 'SUB foo.> 3\r9\r9\nPUB foo.x 1\r\nx\r\n'], expect: { frames: ['MSG foo.x 9 1\r\nx', 'PONG'] } },
  { name: 'bare LF ends a SUB line', chunks: [QUIET, 'SUB foo 1\nPUB foo 1\r\nx\r\n'] },
  { name: 'CR inside a PUB line', chunks: [QUIET, 'SUB > 1\r\nPUB foo\r 1\r\nx\r\n'] },
  { name: 'CR inside a PUB line without a final CR', chunks: [QUIET, 'SUB > 1\r\nPUB foo\r 12\nx\r\n'] },
  { name: 'LF as the first argument byte of SUB', chunks: [QUIET, 'SUB \nfoo 1\r\nPUB foo 1\r\nx\r\n'] },
  { name: 'CR as the only argument of SUB', chunks: [QUIET, 'SUB \r\n'] },
  { name: 'CONNECT followed by LF', chunks: ['CONNECT\nPING\r\n'], opts: { noSync: true, pongs: 0 } },
  { name: 'PING with CR inside', chunks: [QUIET, 'PI\rNG\r\n'] },
  { name: 'PING with junk and a CR', chunks: [QUIET, 'PING x\ry\r\n'] },
  { name: 'UNSUB with a stray CR', chunks: [QUIET, 'SUB foo 1\r\nUNSUB 1\r2\r\nPUB foo 1\r\nx\r\n'] },
  { name: 'CONNECT with a CR inside its JSON', chunks: ['CONNECT {"verbose":false,\r"pedantic":false}\r\nSUB foo 1\r\n'] },
  { name: 'split: SUB line cut before the arguments', chunks: [QUIET, 'SUB ', '  foo 1\r\nPUB foo 1\r\nx\r\n'] },
  // ---- the CRLF after a payload is checked byte by byte ----
  { name: 'payload followed by LF: error at once', chunks: [QUIET, 'PUB foUNSUB 2 5\r\nPING\r\n'], opts: { noSync: true, pongs: 0 }, expect: { closed: true, frames: ["-ERR 'Unknown Protocol Operation'"] } },
  { name: 'split payload followed by a wrong byte: error at once', chunks: [QUIET, 'PUB foo 3\r\nab', 'cX'], opts: { noSync: true, pongs: 0 }, expect: { closed: true } },
  // ---- pedantic: the subject is checked with the PUB line, before the payload ----
  { name: 'pedantic invalid subject and malformed payload', chunks: ['CONNECT {"verbose":false,"pedantic":true}\r\n', 'PUB foo..bar 2\r\nhiX\r\n'], expect: { closed: true, frames: ["-ERR 'Invalid Publish Subject'", "-ERR 'Unknown Protocol Operation'"] } },
  { name: 'pedantic HPUB with an invalid subject', chunks: ['CONNECT {"verbose":false,"pedantic":true,"headers":true}\r\n', 'HPUB a.>.b 12 14\r\nNATS/1.0\r\n\r\nhiX\r\n'] },
  // Found by `npm run fuzz`: the payload is whole and the byte after it is wrong, so nats-server
  // errors before it would keep (and re-check) the PUB line: one Invalid Publish Subject, not two.
  { name: 'verbose pedantic HPUB: invalid subject, broken header block, LF after the payload', chunks: ['CONNECT {"verbose":true,"pedantic":true,"headers":true,"protocol":1}\r\n', 'HPUB foo..bar 18 20\r\nNA\tS/1.0\r\nA: b\r\n\nhi\r\n'], expect: { closed: true, frames: ['+OK', "-ERR 'Invalid Publish Subject'", "-ERR 'Unknown Protocol Operation'"] } },
  // ---- CONNECT protocol literals (Go's json into an int) ----
  { name: 'CONNECT protocol 2^53+1', chunks: ['CONNECT {"verbose":false,"protocol":9007199254740993}\r\n'], expect: { closed: true, frames: ["-ERR 'invalid client protocol'"] } },
  { name: 'CONNECT protocol 1.0', chunks: ['CONNECT {"verbose":false,"protocol":1.0}\r\n'], expect: { closed: true, frames: [] } },
  { name: 'CONNECT protocol 0.0', chunks: ['CONNECT {"verbose":false,"protocol":0.0}\r\n'] },
  { name: 'CONNECT protocol 1e0', chunks: ['CONNECT {"verbose":false,"protocol":1e0}\r\n'] },
  { name: 'CONNECT protocol 1E2', chunks: ['CONNECT {"verbose":false,"protocol":1E2}\r\n'] },
  { name: 'CONNECT protocol 2^63', chunks: ['CONNECT {"verbose":false,"protocol":9223372036854775808}\r\n'] },
  { name: 'CONNECT protocol -2^63', chunks: ['CONNECT {"verbose":false,"protocol":-9223372036854775808}\r\n'] },
  { name: 'CONNECT protocol -0', chunks: ['CONNECT {"verbose":false,"protocol":-0}\r\n'] },
  { name: 'CONNECT protocol 1.0 under another case', chunks: ['CONNECT {"verbose":false,"protocol":1,"PROTOCOL":1.0}\r\n'] },
];

describe('differential: raw protocol against nats-server 2.9.10', { skip }, () => {
  let nats: ProcServer;
  let sb: { server: Switchboard; port: number };

  before(async () => {
    nats = await startProcess('nats-server');
    sb = await startEmbedded();
  });
  after(async () => {
    await nats?.stop();
    await sb?.server.shutdown();
  });

  const both = async (chunks: Array<string | Buffer>, opts?: RunOptions): Promise<[Outcome, Outcome]> =>
    Promise.all([run(nats.port, chunks, opts), run(sb.port, chunks, opts)]);

  test('INFO has the same keys and fixed values', async () => {
    const [a, b] = await both([QUIET]);
    assert.deepEqual(Object.keys(b.info).sort(), Object.keys(a.info).sort());
    for (const k of ['version', 'proto', 'headers', 'max_payload', 'auth_required', 'tls_required', 'jetstream']) {
      assert.deepEqual(b.info[k], a.info[k], `INFO ${k}`);
    }
    assert.equal(a.info.version, '2.9.10');
  });

  /** Cuts `stream` into pieces at the given positions. */
  const cut = (stream: Buffer, at: number[]): Buffer[] => {
    const pieces: Buffer[] = [];
    let prev = 0;
    for (const p of [...at].sort((x, y) => x - y)) {
      pieces.push(stream.subarray(prev, p));
      prev = p;
    }
    pieces.push(stream.subarray(prev));
    return pieces.filter((b) => b.length > 0);
  };

  /**
   * Runs every cut against both servers (one cut at a time: the connections share the global
   * account, so concurrent runs would see each other's messages); every outcome must equal
   * nats-server's outcome for the whole stream.
   */
  const splitCheck = async (stream: Buffer, cuts: number[][], opts?: RunOptions): Promise<number> => {
    const whole = await run(nats.port, [stream], opts);
    const expected = { frames: whole.frames, closed: whole.closed };
    let checked = 0;
    for (const at of cuts) {
      const [a, b] = await both(cut(stream, at), opts);
      assert.deepEqual({ frames: a.frames, closed: a.closed }, expected, `nats-server, cut at ${at.join(',')}`);
      assert.deepEqual({ frames: b.frames, closed: b.closed }, expected, `switchboard, cut at ${at.join(',')}`);
      checked++;
    }
    return checked;
  };

  /** A deterministic PRNG (mulberry32) so that a failing random cut can be replayed. */
  const prng = (seed: number) => () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };

  const STREAM = Buffer.concat([
    Buffer.from(HDRS),
    Buffer.from('SUB foo 1\r\nsub\tfoo.* q 2\r\nSUB > 3\r\nUNSUB 3 2\r\nSUB rep 4\r\n'),
    Buffer.from('PUB foo 6\r\na\r\nb\r\n\r\n'),
    Buffer.from('HPUB foo.bar r.1 18 22\r\nNATS/1.0\r\nA: b\r\n\r\n\r\nhi\r\n'),
    Buffer.concat([Buffer.from('PUB foo 3\r\n'), Buffer.from([0, 13, 255]), Buffer.from('\r\n')]),
    Buffer.from('PING\r\nPUB nobody rep 0\r\n\r\nPONG\r\nUNSUB 1\r\nPUB foo 1\r\nz\r\n'),
  ]);

  test('split frames: one cut at every byte position', async () => {
    const whole = await run(nats.port, [STREAM]);
    assert.equal(whole.closed, false, 'the stream is valid');
    assert.equal(whole.frames.filter((f) => f.startsWith('MSG') || f.startsWith('HMSG')).length, 6, JSON.stringify(whole.frames));
    const cuts = Array.from({ length: STREAM.length - 1 }, (_, i) => [i + 1]);
    const n = await splitCheck(STREAM, cuts);
    assert.equal(n, STREAM.length - 1);
  });

  test('split frames: random multi-way cuts', async () => {
    const rnd = prng(20260417);
    const cuts = Array.from({ length: 40 }, () => Array.from({ length: 2 + Math.floor(rnd() * 6) }, () => 1 + Math.floor(rnd() * (STREAM.length - 1))));
    assert.equal(await splitCheck(STREAM, cuts), 40);
  });

  test('split frames: byte by byte', async () => {
    const cuts = [Array.from({ length: STREAM.length - 1 }, (_, i) => i + 1)];
    assert.equal(await splitCheck(STREAM, cuts), 1);
  });

  for (const [name, tail] of [
    ['payload not followed by CRLF', 'PUB foo 2\r\nhiX\r\n'],
    ['unknown op', 'PUB foo 1\r\nx\r\nFOO\r\n'],
    ['payload too big', 'PUB foo 2000000\r\n'],
    ['bad subject', 'SUB a..b 9\r\nPUB foo 1\r\nx\r\n'],
  ] as const) {
    test(`split frames ending in an error: ${name}`, async () => {
      const stream = Buffer.from(`${QUIET}SUB foo 1\r\n${tail}`);
      const cuts = Array.from({ length: stream.length - 1 }, (_, i) => [i + 1]).filter((_, i) => i >= QUIET.length - 4);
      assert.ok((await splitCheck(stream, cuts)) > 10);
    });
  }

  /**
   * Two connections: `sub` subscribes, `pub` publishes, then both sync with PING. Returns what
   * each received after its INFO. Runs are sequential per server, so subjects need not be unique.
   */
  const pair = async (port: number, subOps: string, pubOps: string): Promise<{ sub: string[]; pub: string[] }> => {
    const open = async (connect: string) => {
      const c = await RawConn.open(port);
      await c.waitFor(/^INFO .*\r\n/);
      c.drain();
      c.write(connect + 'PING\r\n');
      await c.waitFor(/PONG\r\n$/);
      c.drain();
      return c;
    };
    const pongs = (c: RawConn) => parseFrames(c.text()).frames.filter((f) => f === 'PONG').length;
    const sync = async (c: RawConn) => {
      const n = pongs(c);
      c.write('PING\r\n');
      for (let i = 0; i < 300 && pongs(c) <= n && !c.closed; i++) await new Promise((r) => setTimeout(r, 10));
    };
    const [s, p] = [await open('CONNECT {"verbose":false,"pedantic":false,"headers":false}\r\n'), await open(HDRS)];
    try {
      s.write(subOps);
      await sync(s);
      p.write(pubOps);
      await sync(p);
      await sync(s);
      return { sub: parseFrames(s.text()).frames, pub: parseFrames(p.text()).frames };
    } finally {
      s.close();
      p.close();
    }
  };

  for (const [name, subOps, pubOps] of [
    ['HPUB to a subscriber without headers arrives as MSG without the header block', 'SUB hx 1\r\n', 'HPUB hx r 12 14\r\nNATS/1.0\r\n\r\nhi\r\n'],
    ['no responders is not sent when another connection subscribes', 'SUB svc 1\r\n', 'SUB inbox 9\r\nPUB svc inbox 1\r\nx\r\n'],
    ['queue group on another connection counts as a responder', 'SUB svc2 q 1\r\n', 'SUB inbox 9\r\nPUB svc2 inbox 1\r\nx\r\nPUB none inbox 1\r\ny\r\n'],
    ['UNSUB max on another connection', 'SUB m 1\r\nUNSUB 1 1\r\n', 'PUB m 1\r\na\r\nPUB m 1\r\nb\r\n'],
  ] as const) {
    test(`two connections: ${name}`, async () => {
      const [a, b] = await Promise.all([pair(nats.port, subOps, pubOps), pair(sb.port, subOps, pubOps)]);
      assert.ok(a.sub.length + a.pub.length > 2, 'nats-server sent more than the sync PONGs');
      assert.deepEqual(b, a);
    });
  }

  test('the switchboard CLI process answers like nats-server', async () => {
    const proc = await startProcess('switchboard');
    try {
      for (const s of scenarios.filter((x) => /unknown op FOO|payload too big|verbose \+OK|no responders 503|split|lowercase|CONNECT keys in upper case/.test(x.name))) {
        const [a, b] = await Promise.all([run(nats.port, s.chunks, s.opts), run(proc.port, s.chunks, s.opts)]);
        assert.deepEqual({ frames: b.frames, closed: b.closed }, { frames: a.frames, closed: a.closed }, s.name);
      }
    } finally {
      await proc.stop();
    }
  });

  for (const s of scenarios) {
    test(s.name, async () => {
      const [a, b] = await both(s.chunks, s.opts);
      if (s.expect?.closed !== undefined) assert.equal(a.closed, s.expect.closed, 'nats-server closed');
      if (s.expect?.frames) assert.deepEqual(a.frames, s.expect.frames, 'nats-server frames');
      if (s.expect?.includes) assert.ok(a.frames.includes(s.expect.includes), `nats-server sent ${s.expect.includes}`);
      assert.deepEqual({ frames: b.frames, closed: b.closed, rest: b.rest }, { frames: a.frames, closed: a.closed, rest: a.rest });
    });
  }
});
