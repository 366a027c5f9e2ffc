import { describe } from 'node:test';
import { natsServerAvailable } from '../helpers/servers.js';
import { lameDuckDemo } from './lameduck-demo.js';

describe('lame duck in a mixed cluster (the talk demo)', { skip: !natsServerAvailable() && 'nats-server not installed' }, () => {
  lameDuckDemo('sb+sb+ns, a nats-server node in lame duck among Switchboard', ['sb', 'sb', 'ns']);
});
