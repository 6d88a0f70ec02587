// Building blocks for declaring contract methods.
import { z } from 'zod'

/** Declares a method: the schema is a value, the output type is carried at type level only. */
export function method<Output>() {
  return <Input extends z.ZodType>(input: Input) => ({ input, output: undefined as unknown as Output })
}

export const empty = z.object({}).strict()
export const id = z.number().int().positive()
export const limitedText = (max: number) => z.string().max(max, `must be at most ${max} characters`)

/** A single cell of a stored result: JSON scalars, arrays and objects. */
export const cell: z.ZodType<unknown> = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.null(),
  z.array(z.unknown()),
  z.record(z.string(), z.unknown())
])
