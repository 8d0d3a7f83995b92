// The standard grpc.health.v1 check of a downstream service, for /readyz.
import { credentials, makeGenericClientConstructor, type ServiceError } from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';

export type HealthCheck = {
  /** Resolves SERVING, NOT_SERVING, ... or rejects when the service cannot be reached in time. */
  check(deadlineMs: number): Promise<string>;
  close(): void;
};

type Check = (
  req: { service: string },
  options: { deadline: number },
  cb: (err: ServiceError | null, res?: { status?: number | string }) => void,
) => void;
// grpc-health-check ships the service definition only; a generic client gives it a Check method.
const HealthClient = makeGenericClientConstructor(healthService, 'Health') as unknown as new (
  address: string,
  creds: ReturnType<typeof credentials.createInsecure>,
) => { Check: Check; close(): void };
const SERVING_STATUS = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'];

export function createHealthCheck(address: string): HealthCheck {
  const client = new HealthClient(address, credentials.createInsecure());
  return {
    check: (ms) =>
      new Promise((resolve, reject) => {
        client.Check({ service: '' }, { deadline: Date.now() + ms }, (err, res) => {
          if (err) return reject(err);
          const status = res?.status;
          resolve(typeof status === 'number' ? (SERVING_STATUS[status] ?? 'UNKNOWN') : String(status ?? 'UNKNOWN'));
        });
      }),
    close: () => client.close(),
  };
}
