// The service's stop() closes every channel it opened, including the one public intake asks accounts through.

import { createGrpcClient, createLogger } from '@fieldline/platform';
import { jobs } from '@fieldline/proto';
import { getChannelzHandlers } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startJobs } from '../src/app.js';
import { type Harness, startHarness, Tenant } from './harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness('shutdown');
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
