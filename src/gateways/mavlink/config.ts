/** Configuration of the MAVLink gateway. Owned by the MAVLink module. */
import { z } from 'zod';

export const mavlinkConfig = z
  .object({
    enabled: z.boolean().default(true),
    host: z.string().default('127.0.0.1'),
    port: z.number().int().min(0).max(65535).default(14550),
  })
  .prefault({});
