// The job commands the activity side (notes, time logs, public intake, location events) runs inside its own
// transactions: create a job as CreateJob does, apply a site visit and move a job for it. They do I/O, so they live in commands/;
// this module is the agreed import path for them.
export { type CreateJobParams, createJobInTx } from '../commands/create-job.js';
export {
  applySiteVisit,
  moveJobForSiteVisit,
  type SiteVisit,
  type SiteVisitReport,
  type SiteVisitResult,
} from '../commands/site-visit.js';
