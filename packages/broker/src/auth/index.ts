export { ServerAuth, type AuthHost, type ReapplyResult } from './authenticator.js';
export { buildAuthConfig, AuthConfigError, type AuthConfig, type AuthUser } from './config.js';
export { configureAccounts, type AccountHost } from './accounts.js';
export { PermissionSet, permissionsFor, normalizePermissions } from './permissions.js';
export { isBcrypt, comparePasswords, constantTimeEquals, hashPassword, BCRYPT_COST } from './passwords.js';
export { generateNonce, verifyNonceSignature, decodeSignature } from './nonce.js';
export { buildTlsSetup, TlsConfigError, mapCertificateToUser, type TlsSetup } from './tls.js';
export { reloadAuthorization, validateAuthOptions, type AuthReloadHost } from './reload.js';
