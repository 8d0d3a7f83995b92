// gRPC door of job notes: public or internal (staff only) notes on a job the caller can see, each with its
// history entry and note_added event in one transaction.
import { newId, unary } from '@fieldline/platform';
import type { jobs } from '@fieldline/proto';
import { idValue } from '../domain/job-input.js';
import { type Note, newNote, seesInternalNotes } from '../domain/notes.js';
import { noteAdded } from '../events/activity-events.js';
import { appendHistory, loadJobForCaller } from '../store/job-access.js';
import { NotesStore } from '../store/notes.store.js';
import { noteToProto } from './activity-to-proto.js';
import { actorOf } from './caller.js';
import type { JobsDeps } from './deps.js';

export type NotesHandlers = Pick<jobs.JobActivityServiceServer, 'addNote' | 'listNotes'>;

export function notesHandlers(deps: JobsDeps): NotesHandlers {
  const { log } = deps;
  return {
    addNote: unary(log, async (req, ctx) => {
      const actor = await actorOf(deps, ctx);
      const jobId = idValue('jobId', req.jobId);
      const input = newNote(actor.role, { body: req.body, internal: req.internal });
      const now = deps.clock();
      const note: Note = {
        id: newId('note'),
        tenantId: actor.tenantId,
        jobId,
        authorId: actor.userId,
        ...input,
        createdAt: now,
      };
      await deps.db.transaction().execute(async (tx) => {
        const job = await loadJobForCaller(tx, actor, jobId, 'read');
        await new NotesStore(tx).insert(note);
        await appendHistory(tx, {
          tenantId: actor.tenantId,
          jobId,
          actorId: actor.userId,
          kind: 'note_added',
          changes: [{ field: 'note', from: null, to: { id: note.id, internal: note.internal } }],
          internal: note.internal,
          at: now,
        });
        await deps.outbox.add(tx, noteAdded(note, job));
      });
      log.info({ tenantId: actor.tenantId, jobId, noteId: note.id, internal: note.internal }, 'note added');
      return noteToProto(note);
    }),

    listNotes: unary(log, async (req, ctx) => {
      const actor = await actorOf(deps, ctx);
      const jobId = idValue('jobId', req.jobId);
      const notes = await deps.db.transaction().execute(async (tx) => {
        await loadJobForCaller(tx, actor, jobId, 'read');
        return new NotesStore(tx).list(actor.tenantId, jobId, { includeInternal: seesInternalNotes(actor.role) });
      });
      return { notes: notes.map(noteToProto) };
    }),
  };
}
