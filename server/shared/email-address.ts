import { z } from 'zod';

/** Surrounding spaces (a pasted address) are dropped before the address is checked. */
export const EmailAddress = z.string().trim().max(254, 'must be at most 254 characters').pipe(z.email({ message: 'must be a valid email address' }));

/** The form two addresses are compared in: case and surrounding spaces never make a second candidate. */
export const emailKey = (email: string): string => email.trim().toLowerCase();
