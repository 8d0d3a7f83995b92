-- A flush locks the rows of the other phones of each worker it carries (a worker with two phones is at a fence
-- while either is, and the phones may report to different replicas): found by worker, hence this index.
create index device_state_worker on device_state (tenant_id, worker_id);
