// Two things every service test does with gRPC calls: act as a user, and read a refusal as the gateway would.
import { type Caller, fromGrpcError, type Role } from '@fieldline/platform';

/** The caller metadata the gateway would send for this user (an accounts.User or anything shaped like it). */
export function callerOf(user: { id: string; tenantId: string; role: string; customerId?: string }): Caller {
  return {
    kind: 'user',
    tenantId: user.tenantId,
    userId: user.id,
    role: user.role as Role,
    customerId: user.customerId || undefined,
  };
}

/** The gRPC failure of `promise` as the gateway would read it: kind, code and field. Throws if it succeeds. */
export async function failure(
  promise: Promise<unknown>,
): Promise<{ kind: string; code: string; field?: string; message: string }> {
  try {
    await promise;
  } catch (err) {
    const domain = fromGrpcError(err);
    if (!domain) throw err;
    return { kind: domain.kind, code: domain.code, field: domain.field, message: domain.message };
  }
  throw new Error('expected the call to fail, and it succeeded');
}
