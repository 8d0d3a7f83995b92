// Public surface of @fieldline/auth: passwords, access tokens, opaque tokens and the identity policy.
export * from './access-token.js';
export * from './access-token-verifier.js';
export * from './opaque-tokens.js';
export * from './password.js';
export * from './policy.js';
