import { describe } from 'node:test';
import { natsServerAvailable } from '../helpers/servers.js';
import { clusterScenarios } from './scenarios.js';

// One Switchboard node with two nats-server 2.9.10 nodes, in both soliciting directions.
describe('mixed cluster: one Switchboard, two nats-server', { skip: !natsServerAvailable() && 'nats-server not installed' }, () => {
  describe('nats-server nodes solicit the Switchboard seed', () => {
    clusterScenarios({ label: 'sb<-ns,ns', kinds: ['sb', 'ns', 'ns'] });
  });
  describe('the Switchboard node solicits a nats-server seed', () => {
    clusterScenarios({ label: 'ns<-sb,ns', kinds: ['ns', 'sb', 'ns'] });
  });
});
