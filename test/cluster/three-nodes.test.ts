import { describe } from 'node:test';
import { clusterScenarios } from './scenarios.js';

describe('three Switchboard nodes (full mesh by gossip from one seed)', () => {
  clusterScenarios({ label: 'sb+sb+sb', kinds: ['sb', 'sb', 'sb'] });
});
