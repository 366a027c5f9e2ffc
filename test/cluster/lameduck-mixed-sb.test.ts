import { describe } from 'node:test';
import { natsServerAvailable } from '../helpers/servers.js';
import { lameDuckDemo } from './lameduck-demo.js';

describe('lame duck in a mixed cluster (the talk demo)', { skip: !natsServerAvailable() && 'nats-server not installed' }, () => {
  lameDuckDemo('ns+ns+sb, a Switchboard node in lame duck among nats-server', ['ns', 'ns', 'sb']);
});
