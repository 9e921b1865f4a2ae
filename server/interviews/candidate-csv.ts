import { parse } from 'csv-parse/sync';
import { AppError } from '../shared/errors.ts';

const headerAliases: Record<string, string> = {
  name: 'name',
  fullname: 'name',
  candidate: 'name',
  firstname: 'firstName',
  first: 'firstName',
  givenname: 'firstName',
  lastname: 'lastName',
  last: 'lastName',
  surname: 'lastName',
  familyname: 'lastName',
  email: 'email',
  emailaddress: 'email',
  mail: 'email',
  phone: 'phone',
  phonenumber: 'phone',
  mobile: 'phone',
  externalid: 'externalId',
  id: 'externalId',
};

export const MAX_CSV_BYTES = 1024 * 1024;

/** Rows of a candidate CSV keyed by our field names; a header row is required and unknown columns are ignored. */
export function parseCandidateCsv(text: string): Record<string, string>[] {
  let records: string[][];
  try {
    records = parse(text.replace(/^\uFEFF/, ''), { skip_empty_lines: true, relax_column_count: true, trim: true, delimiter: [',', ';', '\t'] });
  } catch (error) {
    throw new AppError('invalid_csv', `The CSV could not be read: ${(error as Error).message}`);
  }
  const [header, ...rows] = records;
  if (!header) throw new AppError('invalid_csv', 'The CSV is empty');
  const fields = header.map((h) => headerAliases[h.toLowerCase().replace(/[^a-z]/g, '')]);
  if (!fields.includes('email')) throw new AppError('invalid_csv', 'The CSV needs a header row with an "email" column (and "name" or "first name")');
  if (rows.length > 1000) throw new AppError('invalid_csv', 'At most 1000 candidates at once');
  return rows.map((cells) => {
    const row: Record<string, string> = {};
    fields.forEach((field, i) => {
      if (field && cells[i] !== undefined && cells[i] !== '') row[field] = cells[i]!;
    });
    return row;
  });
}
