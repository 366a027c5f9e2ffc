export { AuthModule, validateAuthOptions, type ReapplyResult } from './authenticator.js';
export { buildAuthConfig, AuthConfigError, type AuthConfig, type AuthUser } from './config.js';
export { PermissionSet, permissionsFor, normalizePermissions } from './permissions.js';
export { isBcrypt, comparePasswords, constantTimeEquals, hashPassword, BCRYPT_COST } from './passwords.js';
export { bcryptCompare, bcryptPool, BcryptPool } from './bcrypt-pool.js';
export { generateNonce, verifyNonceSignature, decodeSignature } from './nonce.js';
export { buildTlsSetup, TlsConfigError, mapCertificateToUser, type TlsSetup } from './tls.js';
