// The service as its configuration builds it: the reminder scheduler runs at the configured interval, and
// stop() closes every channel it opened, including the one public intake asks accounts through.

import { createGrpcClient, createLogger } from '@fieldline/platform';
import { jobs, jobsEvents } from '@fieldline/proto';
import { waitFor } from '@fieldline/testing';
import { getChannelzHandlers } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startJobs } from '../src/app.js';
import { type Harness, HOUR, input, startHarness, Tenant } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness('app', { config: { reminderIntervalMs: 100 } });
});
afterAll(async () => {
  await h?.stop();
});

/** The targets of the gRPC channels open in this process (channelz registers each until it is closed). */
function openChannelTargets(): Promise<string[]> {
  type TopChannels = { channel: Array<{ data: { target: string } }> };
  const { GetTopChannels } = getChannelzHandlers() as unknown as {
    GetTopChannels(call: unknown, cb: (err: Error | null, res: TopChannels) => void): void;
  };
  return new Promise((resolve, reject) =>
    GetTopChannels({ request: { start_channel_id: '0', max_results: '10000' } }, (err, res) =>
      err ? reject(err) : resolve(res.channel.map((c) => c.data.target)),
    ),
  );
}

describe('the reminder scheduler', () => {
  it('sends a due reminder within the configured interval', async () => {
    const t = await Tenant.create(h);
    const activity = createGrpcClient(jobs.JobActivityServiceClient, `127.0.0.1:${h.service.port}`);
    const job = await h.api.jobs.createJob(
      { job: input({ title: 'Boiler service' }), source: '', idempotencyKey: '' },
      { caller: t.admin },
    );
    const reminder = await activity.setReminder(
      { jobId: job.id, remindAt: new Date(h.clock.now().getTime() + HOUR), message: 'call back' },
      { caller: t.admin },
    );
    activity.close();

    h.clock.advance(2 * HOUR);

    // The default interval (5 s) would miss this: the configured 100 ms is what the service runs at.
    const due = await waitFor(
      () => h.events.all('reminder_due', jobsEvents.ReminderEvent, (e) => e.reminder?.id === reminder.id)[0],
      { what: 'reminder_due', timeoutMs: 2_000 },
    );
    expect(due.reminder?.message).toBe('call back');
  });
});

describe('stopping the jobs service', () => {
  it('leaves no channel to accounts open after intake has used it', async () => {
    const t = await Tenant.create(h);
    const dispatcher = await t.user('dispatcher');
    const settings = await h.accounts.settings.getSettings({}, { caller: t.admin });
    // A second jobs instance naming accounts by another spelling of the same address, so its channels are
    // told apart from the harness's own.
    const target = `ipv4:${h.service.deps.config.accountsAddr}`;
    const second = await startJobs({
      config: { ...h.service.deps.config, grpcPort: 0, accountsAddr: target },
      log: createLogger('jobs', 'silent'),
      delayChecker: false,
    });
    const intake = createGrpcClient(jobs.PublicIntakeServiceClient, `127.0.0.1:${second.port}`);
    await intake.getPublicForm({ formKey: settings.formKey });
    await intake.createJobFromCall(
      jobs.CreateJobFromCallRequest.fromPartial({ callId: 'shutdown-1', from: '+1 555 0199', to: '100' }),
      { caller: dispatcher },
    );
    intake.close();
    const whileRunning = (await openChannelTargets()).filter((t) => t.includes(target));

    await second.stop();

    expect(whileRunning).toHaveLength(1);
    expect((await openChannelTargets()).filter((t) => t.includes(target))).toEqual([]);
  });
});
