import type { InterviewsTable } from '../db/schema.ts';

/** The candidate as every API shows them (ours and Hireflix's share the shape). */
export function candidateOf(row: Pick<InterviewsTable, 'candidate_first_name' | 'candidate_last_name' | 'candidate_email' | 'candidate_phone'>) {
  return {
    name: `${row.candidate_first_name} ${row.candidate_last_name}`.trim(),
    firstName: row.candidate_first_name,
    lastName: row.candidate_last_name,
    email: row.candidate_email,
    phone: row.candidate_phone,
  };
}
