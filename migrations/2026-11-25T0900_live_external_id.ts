import { sql, type Kysely } from 'kysely';

// Frozen. An ATS's external id is unique among the live invitations of a position, like the candidate's email:
// once an invitation is cancelled or expired, the ATS can invite the same application again under the same id.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('interviews_external_id_uq').execute();
  await db.schema
    .createIndex('interviews_live_external_id_uq')
    .on('interviews')
    .columns(['position_id', 'external_id'])
    .unique()
    .where(sql.ref('external_id'), 'is not', null)
    .where(sql.ref('status'), 'not in', ['expired', 'cancelled'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('interviews_live_external_id_uq').execute();
  await db.schema
    .createIndex('interviews_external_id_uq')
    .on('interviews')
    .columns(['position_id', 'external_id'])
    .unique()
    .where('external_id', 'is not', null)
    .execute();
}
