// Public surface of the jobs service package: start it in-process (tests, the dev runner) and its config.
export { type RunningJobs, startJobs } from './app.js';
export { type JobsConfig, loadJobsConfig } from './config.js';
