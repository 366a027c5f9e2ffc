/** NATS conf files: lexer, parser, model mapping, writer, loader and reload diff. */
export { lex, type Token, type TokenKind } from './lexer.js';
export {
  parseConf,
  toPlain,
  formatError,
  parseIntegerToken,
  type Pos,
  type ConfigError,
  type ConfNode,
  type ConfMap,
  type ConfArray,
  type ConfScalar,
  type ConfEntry,
  type ParseOptions,
  type ParseResult,
} from './parser.js';
export { mapConfig, canonicalTopKey, NOT_YET_IMPLEMENTED, type ConfigWarning, type MapResult } from './model.js';
export {
  parseConfigText,
  loadConfigFile,
  checkConfigFile,
  formatWarning,
  type LoadResult,
  type LoadOptions,
  type CheckResult,
} from './load.js';
export { writeConfig, quoteString, renderTopLevel, type RenderedEntry } from './writer.js';
export { patchConfigText, contentLostByRewrite, type PatchResult } from './patch.js';
export {
  diffOptions,
  explainChange,
  reloadRefusal,
  blockingChanges,
  isHotReloadable,
  HOT_RELOADABLE,
  RESTART_REQUIRED,
  type Change,
  type ChangeKind,
} from './diff.js';
export { parseGoDuration, parseDurationMs, formatDurationMs } from './duration.js';
