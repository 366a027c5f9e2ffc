import { describe } from 'node:test';
import { lameDuckDemo } from './lameduck-demo.js';

describe('lame duck in a cluster (the talk demo)', () => {
  lameDuckDemo('sb+sb+sb, a Switchboard node in lame duck', ['sb', 'sb', 'sb']);
});
