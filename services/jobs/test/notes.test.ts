// Notes through the real jobs service: who writes and reads public and internal notes, bounds, events,
// history, and NOT_FOUND for jobs out of sight or in another tenant.

import { jobsEvents } from '@fieldline/proto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type Activity, failure, activityReq as req, startActivity, type Tenant } from './activity-harness.js';

let h: Activity;
let t: Tenant;
let other: Tenant;
beforeAll(async () => {
  h = await startActivity('notes');
  [t, other] = await Promise.all([h.newTenant(), h.newTenant()]);
});
afterAll(async () => {
  await h?.stop();
});

describe('notes', () => {
  it('lets everyone who sees the job add a public note, and shows it to all of them', async () => {
    const job = await h.newJob(t);

    for (const caller of [t.admin, t.dispatcher, t.worker, t.client, t.guest]) {
      await h.jobs.activity.addNote(req.addNote({ jobId: job.id, body: `hello from ${caller.role}` }), { caller });
    }
    const seenByGuest = await h.jobs.activity.listNotes({ jobId: job.id }, { caller: t.guest });

    expect(seenByGuest.notes.map((n) => n.body)).toEqual([
      'hello from admin',
      'hello from dispatcher',
      'hello from coworker',
      'hello from client',
      'hello from guest',
    ]);
    expect(seenByGuest.notes[0]).toMatchObject({ jobId: job.id, authorId: t.admin.userId, internal: false });
  });

  it('keeps internal notes to admins and dispatchers', async () => {
    const job = await h.newJob(t);
    await h.jobs.activity.addNote(req.addNote({ jobId: job.id, body: 'public' }), { caller: t.dispatcher });
    await h.jobs.activity.addNote(req.addNote({ jobId: job.id, body: 'margin is thin', internal: true }), {
      caller: t.admin,
    });

    const bodies = async (caller: typeof t.admin) =>
      (await h.jobs.activity.listNotes({ jobId: job.id }, { caller })).notes.map((n) => n.body);

    expect(await bodies(t.admin)).toEqual(['public', 'margin is thin']);
    expect(await bodies(t.dispatcher)).toEqual(['public', 'margin is thin']);
    expect(await bodies(t.worker)).toEqual(['public']);
    expect(await bodies(t.client)).toEqual(['public']);
    expect(await bodies(t.guest)).toEqual(['public']);
  });

  it.each(['worker', 'client', 'guest'] as const)('refuses an internal note from the %s', async (who) => {
    const job = await h.newJob(t);

    const res = await failure(
      h.jobs.activity.addNote(req.addNote({ jobId: job.id, body: 'secret', internal: true }), { caller: t[who] }),
    );

    expect(res).toMatchObject({ kind: 'permission_denied', code: 'INTERNAL_NOTE_FORBIDDEN' });
  });

  it('names the field of a bad note and writes nothing', async () => {
    const job = await h.newJob(t);

    const empty = await failure(
      h.jobs.activity.addNote(req.addNote({ jobId: job.id, body: '  ' }), { caller: t.admin }),
    );
    const long = await failure(
      h.jobs.activity.addNote(req.addNote({ jobId: job.id, body: 'x'.repeat(10_001) }), { caller: t.admin }),
    );
    const noJob = await failure(h.jobs.activity.addNote(req.addNote({ body: 'hi' }), { caller: t.admin }));

    expect(empty).toMatchObject({ kind: 'invalid_argument', field: 'body' });
    expect(long).toMatchObject({ kind: 'invalid_argument', field: 'body' });
    expect(noJob).toMatchObject({ kind: 'invalid_argument', field: 'jobId' });
    expect((await h.jobs.activity.listNotes({ jobId: job.id }, { caller: t.admin })).notes).toEqual([]);
  });

  it('answers NOT_FOUND to a coworker not on the job, a client of another customer and another tenant', async () => {
    const job = await h.newJob(t);

    for (const caller of [t.outsider, t.otherClient, other.admin]) {
      const add = await failure(h.jobs.activity.addNote(req.addNote({ jobId: job.id, body: 'hi' }), { caller }));
      const list = await failure(h.jobs.activity.listNotes({ jobId: job.id }, { caller }));
      expect(add).toMatchObject({ kind: 'not_found', code: 'JOB_NOT_FOUND' });
      expect(list).toMatchObject({ kind: 'not_found', code: 'JOB_NOT_FOUND' });
    }
  });

  it('publishes note_added with the note and the job, and records it in the history (internal ones hidden)', async () => {
    const job = await h.newJob(t);

    const note = await h.jobs.activity.addNote(
      req.addNote({ jobId: job.id, body: 'call before coming', internal: true }),
      {
        caller: t.dispatcher,
      },
    );
    const event = await h.events.next('note_added', jobsEvents.NoteAdded, (p) => p.note?.id === note.id);
    const history = await h.deps.db
      .selectFrom('job_history')
      .select(['kind', 'actor_id', 'internal'])
      .where('job_id', '=', job.id)
      .where('kind', '=', 'note_added')
      .execute();

    const envelope = h.events.envelopes.find(
      (e) => e.type === 'note_added' && jobsEvents.NoteAdded.decode(e.payload).note?.id === note.id,
    );
    expect(envelope).toMatchObject({ tenantId: t.tenantId, producer: 'jobs' });
    expect(event.note).toMatchObject({ body: 'call before coming', internal: true });
    expect(event.job).toMatchObject({ id: job.id, number: job.number });
    expect(history).toEqual([{ kind: 'note_added', actor_id: t.dispatcher.userId, internal: true }]);
  });
});
