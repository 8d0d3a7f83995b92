// The e2e tests move the accounts service's clock (invitation expiry) with the shared test clock.
export { TestClock } from '@fieldline/testing';

export const HOUR = 3600_000;
