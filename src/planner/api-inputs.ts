/**
 * The planner API's request bodies as zod schemas (the import and the schedule), apart from the routes so the
 * route file reads as routes.
 */
import { z } from 'zod';
import { labelSchema } from './schema.js';
import { whatIfSchema } from './whatif.js';

export const importBody = z.object({
  csv: z.string().min(1).max(5_000_000),
  source: z
    .string()
    .min(1)
    .max(60)
    .regex(/^[A-Za-z0-9._-]+$/),
  label: labelSchema.optional(),
});
export const scheduleBody = z
  .object({
    input: z.unknown().optional(),
    fromRegistry: z
      .object({
        start: z
          .string()
          .regex(/^\d{4}-(0[1-9]|1[0-2])$/)
          .optional(),
        months: z.number().int().min(1).max(600),
        defaultLeadMonths: z.number().int().min(0).max(240).optional(),
        mode: z.enum(['national', 'pooled']).optional(),
      })
      .optional(),
    whatIfs: z.union([z.literal('default'), z.array(whatIfSchema).max(10)]).optional(),
  })
  .refine(
    (b) => (b.input === undefined) !== (b.fromRegistry === undefined),
    'give exactly one of input, fromRegistry',
  );
