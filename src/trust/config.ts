/** Configuration of trust: PKI, enrollment, labels. Owned by the trust module. */
import { z } from 'zod';

export const trustConfig = z
  .object({
    enrollment: z
      .object({
        enabled: z.boolean().default(true),
        host: z.string().default('0.0.0.0'),
        port: z.number().int().min(0).max(65535).default(8446),
      })
      .prefault({}),
    api: z
      .object({
        enabled: z.boolean().default(true),
        host: z.string().default('0.0.0.0'),
        port: z.number().int().min(0).max(65535).default(8443),
      })
      .prefault({}),
  })
  .prefault({});
