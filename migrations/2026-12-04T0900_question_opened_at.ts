import type { Kysely } from 'kysely';

// Frozen. When the candidate was first shown each question of an interview: its think time runs from then by the
// server's clock (a reload does not restart it), and its text is not handed out before.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('interview_questions').addColumn('opened_at', 'bigint').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('interview_questions').dropColumn('opened_at').execute();
}
