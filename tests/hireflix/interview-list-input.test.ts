import { describe, expect, it } from 'vitest';
import { interviewListQuery, likeOf } from '../../server/hireflix/graphql/interview-list-input.ts';
import { encodeCursor } from '../../server/shared/cursor.ts';
import { AppError, type FieldError } from '../../server/shared/errors.ts';

describe('interviewList input', () => {
  it('runs the safe part of regular expressions as LIKE patterns and refuses the rest', () => {
    const fields: FieldError[] = [];
    expect(likeOf('ada', 'p', fields)).toBe('%ada%');
    expect(likeOf('^Ada.*Lovelace$', 'p', fields)).toBe('ada%lovelace');
    expect(likeOf('a.b@example.com', 'p', fields)).toBe('%a_b@example_com%');
    expect(likeOf('^x.+\\.org$', 'p', fields)).toBe('x_%.org');
    expect(likeOf('100%_done\\$', 'p', fields)).toBe('%100\\%\\_done$%');
    expect(fields).toEqual([]);
    for (const refused of ['[ab]', '(a|b)', 'a+', 'a?', '\\d', 'x{2}', 'a*', '^a^']) {
      const errors: FieldError[] = [];
      expect(likeOf(refused, 'filter.email.regex', errors)).toBeUndefined();
      expect(errors).toEqual([{ path: 'filter.email.regex', message: expect.stringContaining('only ^, $') }]);
    }
  });

  it('maps Hireflix statuses, pagination and sort, and reports every bad value with its path', () => {
    expect(interviewListQuery('p1', { filter: { status: { equal: 'to_evaluate' } }, sort: [{ field: 'createdAt', direction: 'ASC' }] })).toEqual({
      filter: { positionId: 'p1', anyOf: [{ statuses: ['completed'], decision: 'undecided' }] },
      page: { cursor: undefined, backward: false, order: 'asc', limit: 20 },
    });
    expect(interviewListQuery('p1', { filter: { status: { in: ['pending', 'discarded'] }, score: { greaterThan: 3, equal: null } }, pagination: { limit: 5, lastCursor: encodeCursor(1, 'x'), direction: 'BACKWARD' } })).toEqual({
      filter: { positionId: 'p1', anyOf: [{ statuses: ['pending', 'in_progress'] }, { statuses: ['completed'], decision: 'discarded' }], score: [{ op: '>', value: 3 }] },
      page: { cursor: encodeCursor(1, 'x'), backward: true, order: 'desc', limit: 5 },
    });
    expect(interviewListQuery('p1', { filter: { status: { equal: 'pending', in: ['shortlisted'] } } }).filter.anyOf).toEqual([]);
    // Two names of the same interviews match each other; an empty `in` names none.
    expect(interviewListQuery('p1', { filter: { status: { equal: 'completed', in: ['to_evaluate'] } } }).filter.anyOf).toEqual([{ statuses: ['completed'], decision: 'undecided' }]);
    expect(interviewListQuery('p1', { filter: { status: { in: [] } } }).filter.anyOf).toEqual([]);
    expect(interviewListQuery('p1', { filter: { status: {} } }).filter.anyOf).toBeUndefined();
    try {
      interviewListQuery('p1', { filter: { status: { equal: 'hired' }, email: { regex: '[x]' } }, pagination: { limit: 0 } });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).details?.fields?.map((f) => f.path)).toEqual(['filter.status', 'filter.email.regex', 'pagination.limit']);
    }
  });
});
