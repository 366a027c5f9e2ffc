/**
 * The import graph's rules (checked by `npm test` through scripts/check-imports.mjs).
 *
 * Layers, each importing only the layers above it (docs/architecture.md):
 *   1. packages/shared                     zod models, API contracts, the subject rules
 *   2. broker protocol, subjects, config, log, jwt (the JWT library: decoding, validation, trust,
 *      resolvers; no server state — the config mapping reads operator JWTs with it), tls (TLS
 *      contexts from a `tls {}` block, for client TLS and for routes and gateways)
 *   3. broker contracts                    types only
 *   4. broker core                         server, connections, accounts, delivery
 *   5. broker modules                      auth, accounts, monitor, events (events may use monitor)
 *   6. broker switchboard.ts / index.ts    the composition root and the package entry
 * apps/server uses the broker only through its package entry; apps/web uses packages/shared only.
 * No circle anywhere, type-only imports included (tsPreCompilationDeps).
 *
 * A new module (routes, gateways, the operator-mode wiring of the jwt library, …) is a directory
 * under packages/broker/src: add its name to MODULES. A new connection kind lives in core
 * (connection base) and protocol (its op table).
 */
const B = '^packages/broker/src/';
const LOWER = ['protocol', 'subjects', 'config', 'log', 'jwt', 'tls'];
const MODULES = ['auth', 'accounts', 'monitor', 'events', 'operator', 'messages'];
// Connection-kind modules: a module that adds a connection kind (a Connection subclass) may
// import the core; nothing but the composition root imports it.
const KINDS = ['cluster', 'gateway'];
const ROOT = `${B}(switchboard|index)\\.[jt]s$`;
const dirs = (names) => `${B}(${names.join('|')})/`;
const TESTS = '\\.test\\.[jt]sx?$';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'Import circles (type-only imports count) tie layers together: break them by moving a type down a layer.',
      from: { path: '^(packages|apps/[^/]+/src)/' },
      to: { circular: true },
    },
    {
      name: 'shared-imports-no-workspace-code',
      severity: 'error',
      comment: 'packages/shared is the bottom layer.',
      from: { path: '^packages/shared/src/' },
      to: { path: '^(packages/broker|apps)/' },
    },
    {
      name: 'lower-layers-import-only-shared',
      severity: 'error',
      comment: 'protocol, subjects, config, log, tls and the jwt library sit right above packages/shared.',
      from: { path: dirs(LOWER), pathNot: TESTS },
      to: { path: B, pathNot: dirs(LOWER) },
    },
    {
      name: 'contracts-import-only-lower-layers',
      severity: 'error',
      comment: 'contracts (types only) may name types of shared and of layer 2.',
      from: { path: `${B}contracts/` },
      to: { path: B, pathNot: dirs([...LOWER, 'contracts']) },
    },
    {
      name: 'core-imports-no-module',
      severity: 'error',
      comment: 'The core reaches modules only through the contracts they implement.',
      from: { path: `${B}core/`, pathNot: TESTS },
      to: { path: `${dirs(MODULES)}|${ROOT}` },
    },
    {
      name: 'core-imports-no-connection-kind-module',
      severity: 'error',
      from: { path: `${B}core/`, pathNot: TESTS },
      to: { path: dirs(KINDS) },
    },
    {
      name: 'connection-kind-modules-import-no-other-module',
      severity: 'error',
      comment: 'A connection-kind module (cluster) builds on the core and the contracts, not on other modules.',
      from: { path: dirs(KINDS), pathNot: TESTS },
      to: { path: `${dirs(MODULES)}|${ROOT}` },
    },
    {
      name: 'modules-import-no-connection-kind-module',
      severity: 'error',
      from: { path: dirs(MODULES), pathNot: TESTS },
      to: { path: dirs(KINDS) },
    },
    {
      name: 'modules-import-no-core',
      severity: 'error',
      comment: 'Modules see the core through contracts (ServerView, AccountRef, ClientView, …).',
      from: { path: dirs(MODULES), pathNot: TESTS },
      to: { path: `${B}core/|${ROOT}` },
    },
    {
      name: 'modules-import-no-other-module',
      severity: 'error',
      comment: 'Modules are independent; only events may use monitor (the views it answers $SYS requests with), and operator may use auth (permissions, the nonce).',
      from: { path: dirs(MODULES.filter((m) => m !== 'events' && m !== 'operator')), pathNot: TESTS },
      to: { path: dirs(MODULES), pathNot: `${B}$1/` },
    },
    {
      name: 'events-uses-only-monitor',
      severity: 'error',
      from: { path: `${B}events/`, pathNot: TESTS },
      to: { path: dirs(MODULES.filter((m) => m !== 'events' && m !== 'monitor')) },
    },
    {
      name: 'operator-uses-only-auth',
      severity: 'error',
      from: { path: `${B}operator/`, pathNot: TESTS },
      to: { path: dirs(MODULES.filter((m) => m !== 'operator' && m !== 'auth')) },
    },
    {
      name: 'broker-files-belong-to-a-layer',
      severity: 'error',
      comment: 'Every broker directory is a declared layer: add a new module directory to MODULES.',
      from: { path: B, pathNot: `${dirs([...LOWER, 'contracts', 'core', ...MODULES, ...KINDS])}|${ROOT}|${B}[^/]+\\.d\\.ts$` },
      to: {},
    },
    {
      name: 'server-app-uses-broker-entry-only',
      severity: 'error',
      comment: 'apps/server imports @switchboard/broker, never a file inside it.',
      from: { path: '^apps/server/src/' },
      to: { path: '^packages/broker/', pathNot: '^packages/broker/dist/index\\.(js|d\\.ts)$' },
    },
    {
      name: 'web-app-uses-shared-only',
      severity: 'error',
      from: { path: '^apps/web/src/' },
      to: { path: '^(packages/broker|apps/server)/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(dist/.*\\.map|node_modules/\\.cache)' },
    // Type-only imports are dependencies too: a circle of types is still a circle.
    tsPreCompilationDeps: true,
    combinedDependencies: false,
    preserveSymlinks: false,
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.d.ts'],
    },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
