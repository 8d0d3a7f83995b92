// Reads the accounts service's events from JetStream, e.g. the invitation token an e-mail would carry.
import { decodeEnvelope, eventsStreamName } from '@fieldline/platform';
import { accountsEvents } from '@fieldline/proto';
import { waitFor } from '@fieldline/testing';
import { jetstream } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';

/**
 * The single-use token of the latest `invitation_created` / `invitation_resent` event for `invitationId`, read
 * from `<prefix>.<tenant>.accounts.<type>` (published through the outbox, so it may lag the HTTP answer a little).
 */
export async function invitationToken(opts: {
  natsUrl: string;
  prefix: string;
  tenantId: string;
  invitationId: string;
  type?: 'invitation_created' | 'invitation_resent';
  /** Skip tokens already seen (a resend must bring a new one). */
  not?: string[];
}): Promise<string> {
  const type = opts.type ?? 'invitation_created';
  const nc = await connect({ servers: opts.natsUrl, name: 'e2e-invitation-reader' });
  try {
    const subject = `${opts.prefix}.${opts.tenantId}.accounts.${type}`;
    return await waitFor(
      async () => {
        // A fresh ordered consumer per attempt replays the subject from the start of the stream. One subject as a
        // string (sent as filter_subject): the list form needs nats-server 2.10, and CI runs 2.9.
        const consumer = await jetstream(nc).consumers.get(eventsStreamName(opts.prefix), { filter_subjects: subject });
        const info = await consumer.info(true);
        const pending = info.num_pending;
        if (pending === 0) return undefined;
        const batch = await consumer.fetch({ max_messages: pending, expires: 2000 });
        let found: string | undefined;
        for await (const m of batch) {
          const sent = accountsEvents.InvitationSent.decode(decodeEnvelope(m.data).payload);
          if (sent.invitation?.id === opts.invitationId && !opts.not?.includes(sent.token)) found = sent.token;
          if (batch.getProcessed() >= pending) break;
        }
        return found;
      },
      { what: `${type} event of ${opts.invitationId} on ${subject}`, timeoutMs: 15_000, intervalMs: 200 },
    );
  } finally {
    await nc.close();
  }
}
