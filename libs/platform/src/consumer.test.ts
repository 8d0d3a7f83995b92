import { describe, expect, it } from '@jest/globals';
import { dlqSubject, subjectMatches } from './consumer.js';

describe('subject matching (client-side filters for servers before 2.10)', () => {
  it.each([
    ['fl.*.jobs.*', 'fl.t_1.jobs.job_completed', true],
    ['fl.*.jobs.*', 'fl.t_1.chat.message_sent', false],
    ['fl.*.jobs.*', 'fl.t_1.jobs', false],
    ['fl.>', 'fl.t_1.jobs.job_completed', true],
    ['fl.>', 'fl', false],
    ['fl.t_1.jobs.job_completed', 'fl.t_1.jobs.job_completed', true],
    ['fl.t_1.jobs.job_completed', 'fl.t_1.jobs.job_completed.extra', false],
  ])('%s matches %s: %s', (filter, subject, expected) => {
    expect(subjectMatches(filter, subject)).toBe(expected);
  });
});

describe('dead-letter subject', () => {
  it('names the consumer and the event type, or "unknown" when there is none', () => {
    expect(dlqSubject('fl', 'billing', 'job_completed')).toBe('fl_dlq.billing.job_completed');
    expect(dlqSubject('fl', 'billing', undefined)).toBe('fl_dlq.billing.unknown');
    expect(dlqSubject('fl', 'billing', 'bad.type')).toBe('fl_dlq.billing.unknown');
  });
});
