// The job commands the activity side (notes, time logs, public intake) runs inside its own transactions:
// create a job as CreateJob does, and move a job for a site visit. They do I/O, so they live in commands/;
// this module is the agreed import path for them.
export { type CreateJobParams, createJobInTx } from '../commands/create-job.js';
export { moveJobForSiteVisit, type SiteVisit } from '../commands/site-visit.js';
