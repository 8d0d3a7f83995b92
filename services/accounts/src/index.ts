// Public surface of the accounts service package: start it in-process (tests, the dev runner) and its config.
export { type RunningAccounts, startAccounts } from './app.js';
export { type AccountsConfig, loadAccountsConfig } from './config.js';
