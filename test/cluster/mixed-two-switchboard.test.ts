import { describe } from 'node:test';
import { natsServerAvailable } from '../helpers/servers.js';
import { clusterScenarios } from './scenarios.js';

// Two Switchboard nodes with one nats-server 2.9.10 node, in both soliciting directions.
describe('mixed cluster: two Switchboard, one nats-server', { skip: !natsServerAvailable() && 'nats-server not installed' }, () => {
  describe('Switchboard nodes solicit the nats-server seed', () => {
    clusterScenarios({ label: 'ns<-sb,sb', kinds: ['ns', 'sb', 'sb'] });
  });
  describe('the nats-server node solicits a Switchboard seed', () => {
    clusterScenarios({ label: 'sb<-sb,ns', kinds: ['sb', 'sb', 'ns'] });
  });
});
