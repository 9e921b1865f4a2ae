import { z } from 'zod';

export const EmailAddress = z.email({ message: 'must be a valid email address' }).max(254);

/** The form two addresses are compared in: case and surrounding spaces never make a second candidate. */
export const emailKey = (email: string): string => email.trim().toLowerCase();
