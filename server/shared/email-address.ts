import { z } from 'zod';

/** Surrounding spaces (a pasted address) are dropped before the address is checked. */
export const EmailAddress = z.preprocess(
  (value) => (typeof value === 'string' ? value.trim() : value),
  // The schema itself stays an email one, so the OpenAPI document says `format: email`.
  z.email({ message: 'must be a valid email address' }).max(254, 'must be at most 254 characters'),
);

/** The form two addresses are compared in: case and surrounding spaces never make a second candidate. */
export const emailKey = (email: string): string => email.trim().toLowerCase();
