// A stand-in accounts gRPC server with only the identity calls a gateway test needs, counting its calls.
import { createLogger, DomainError, type RunningGrpcServer, startGrpcServer, unary } from '@fieldline/platform';
import { accounts } from '@fieldline/proto';

export type FakeAccounts = {
  address: string;
  authenticateCalls: number;
  batchGetMeCalls: number;
  stop(): Promise<void>;
};

const tenant = { id: 't_1', slug: 'acme', name: 'Acme', createdAt: new Date('2030-01-01T00:00:00Z') };
const user = (id: string, role: string): accounts.User => ({
  id,
  tenantId: 't_1',
  name: 'Anna',
  email: '',
  role,
  customerId: '',
  active: true,
  phone: '',
  createdAt: new Date('2030-01-01T00:00:00Z'),
  updatedAt: undefined,
  version: 1,
});

/** Knows one device of a coworker (token fld_good, uniqueId phone-good) and one API key (flk_good) acting as admin. */
export async function startFakeAccounts(): Promise<FakeAccounts> {
  const log = createLogger('fake-accounts', 'silent');
  const state = { authenticateCalls: 0, batchGetMeCalls: 0 };
  const server: RunningGrpcServer = await startGrpcServer({
    host: '127.0.0.1',
    port: 0,
    log,
    services: [
      {
        name: 'fieldline.accounts.v1.IdentityService',
        definition: accounts.IdentityServiceService,
        implementation: {
          authenticate: unary(log, async (req: accounts.AuthenticateRequest) => {
            state.authenticateCalls++;
            const c = req.credential;
            // The same phone as Traccar Client knows it: by its device uniqueId.
            if (
              (c?.$case === 'deviceToken' && c.value === 'fld_good') ||
              (c?.$case === 'deviceUniqueId' && c.value === 'phone-good')
            ) {
              return {
                kind: 'device',
                tenantId: 't_1',
                userId: 'usr_w',
                role: 'coworker',
                customerId: '',
                deviceId: 'dev_1',
                apiKeyId: '',
              };
            }
            if (c?.$case === 'apiKey' && c.value === 'flk_good') {
              return {
                kind: 'api_key',
                tenantId: 't_1',
                userId: 'usr_a',
                role: 'admin',
                customerId: '',
                deviceId: '',
                apiKeyId: 'key_1',
              };
            }
            throw new DomainError('unauthenticated', 'UNAUTHENTICATED', 'unknown credential');
          }),
          // Users whose id starts with usr_gone are deactivated; everyone else is a dispatcher of t_1.
          batchGetMe: unary(log, async (req: accounts.BatchGetMeRequest) => {
            state.batchGetMeCalls++;
            return {
              results: req.lookups.map((l) =>
                l.userId.startsWith('usr_gone') || l.tenantId !== tenant.id
                  ? { user: undefined, tenant: undefined }
                  : { user: user(l.userId, 'dispatcher'), tenant },
              ),
            };
          }),
          getMe: unary(log, async (_req, ctx) => {
            const caller = ctx.caller();
            return { user: user(caller.userId, caller.role), tenant };
          }),
          login: unary(log, async (req: accounts.LoginRequest) => {
            if (req.password !== 'right password') {
              throw new DomainError('unauthenticated', 'INVALID_CREDENTIALS', 'wrong tenant, e-mail or password');
            }
            return {
              user: user('usr_1', 'admin'),
              tokens: {
                accessToken: 'a',
                refreshToken: 'r',
                accessExpiresAt: new Date(0),
                refreshExpiresAt: undefined,
              },
            };
          }),
          signup: unary(log, async () => {
            throw new DomainError(
              'invalid_argument',
              'WEAK_PASSWORD',
              'a password needs at least 8 characters',
              'password',
            );
          }),
        },
      },
    ],
  });
  return {
    address: `127.0.0.1:${server.port}`,
    get authenticateCalls() {
      return state.authenticateCalls;
    },
    get batchGetMeCalls() {
      return state.batchGetMeCalls;
    },
    stop: () => server.shutdown(100),
  };
}
