// A structural check of server answers for the code on the resident's tablet, in a few hundred bytes.
// zod (what @kring/protocol is written in) is ~23 KB gzipped, a fifth of the tablet's first-load
// budget; these answers only need "is it the shape the contract says": types, enums, the id pattern,
// whole numbers, null where allowed, defaults filled in and unknown keys dropped, as zod's `parse`
// does. `answer-shapes.test.ts` holds every shape to its @kring/protocol schema (same JSON Schema,
// same answers to the same inputs), so the two cannot drift apart.

/** How a shape checks, as data: the test turns it into JSON Schema to compare with zod's. */
export type ShapeDef =
  | { kind: "string"; pattern?: RegExp }
  | { kind: "integer"; min?: number }
  | { kind: "boolean"; only?: true }
  | { kind: "enum"; values: readonly string[] }
  | { kind: "array"; item: Shape<unknown> }
  | { kind: "object"; fields: Record<string, Shape<unknown>> }
  | { kind: "nullable"; inner: Shape<unknown> }
  | { kind: "optional"; inner: Shape<unknown> }
  | { kind: "default"; inner: Shape<unknown>; value: unknown };

export type Shape<T> = {
  readonly def: ShapeDef;
  /** The checked value (unknown keys dropped, defaults filled in); throws on anything else. */
  parse(value: unknown): T;
  safeParse(value: unknown): { success: true; data: T } | { success: false };
};

/** Marks a field that may be absent (the type of an object with it makes the key optional). */
type OptionalShape<T> = Shape<T | undefined> & { readonly isOptional: true };

type Infer<S> = S extends Shape<infer T> ? T : never;

type Fields = Record<string, Shape<unknown>>;
type OptionalKeys<F extends Fields> = { [K in keyof F]: F[K] extends OptionalShape<unknown> ? K : never }[keyof F];
type Simplify<T> = { [K in keyof T]: T[K] };
type ObjectOf<F extends Fields> = Simplify<
  { [K in Exclude<keyof F, OptionalKeys<F>>]: Infer<F[K]> } & { [K in OptionalKeys<F>]?: Infer<F[K]> }
>;

function fail(): never {
  throw new TypeError("unexpected shape");
}

function shape<T>(def: ShapeDef, parse: (value: unknown) => T): Shape<T> {
  return {
    def,
    parse,
    safeParse(value) {
      try {
        return { success: true, data: parse(value) };
      } catch {
        return { success: false };
      }
    },
  };
}

export function string(pattern?: RegExp): Shape<string> {
  return shape({ kind: "string", pattern }, (value) =>
    typeof value === "string" && (pattern === undefined || pattern.test(value)) ? value : fail(),
  );
}

/** A whole number in the safe range (zod's `.int()`), at least `min` if given. */
export function integer(min?: number): Shape<number> {
  return shape({ kind: "integer", min }, (value) =>
    Number.isSafeInteger(value) && (min === undefined || (value as number) >= min) ? (value as number) : fail(),
  );
}

export function boolean(): Shape<boolean> {
  return shape({ kind: "boolean" }, (value) => (typeof value === "boolean" ? value : fail()));
}

/** Exactly `true` (zod's `z.literal(true)`): a flag that is either there and true, or absent. */
export function isTrue(): Shape<true> {
  return shape({ kind: "boolean", only: true }, (value) => (value === true ? true : fail()));
}

export function oneOf<const V extends readonly string[]>(values: V): Shape<V[number]> {
  return shape({ kind: "enum", values }, (value) => (values.includes(value as string) ? (value as V[number]) : fail()));
}

export function array<T>(item: Shape<T>): Shape<T[]> {
  return shape({ kind: "array", item }, (value) => (Array.isArray(value) ? value.map((entry) => item.parse(entry)) : fail()));
}

export function nullable<T>(inner: Shape<T>): Shape<T | null> {
  return shape({ kind: "nullable", inner }, (value) => (value === null ? null : inner.parse(value)));
}

export function optional<T>(inner: Shape<T>): OptionalShape<T> {
  return { ...shape({ kind: "optional", inner }, (value) => (value === undefined ? undefined : inner.parse(value))), isOptional: true };
}

/** Absent (undefined) becomes `value`, as zod's `.default()`; the field is then always there. */
export function withDefault<T>(inner: Shape<T>, value: NoInfer<T>): Shape<T> {
  return shape({ kind: "default", inner, value }, (input) => (input === undefined ? value : inner.parse(input)));
}

/** A plain object; only the listed keys are kept, an absent optional key stays absent. */
export function object<F extends Fields>(fields: F): Shape<ObjectOf<F>> {
  return shape({ kind: "object", fields }, (value) => {
    if (typeof value !== "object" || value === null || Array.isArray(value)) fail();
    const input = value as Record<string, unknown>;
    const output: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(fields)) {
      const parsed = field.parse(input[key]);
      if (parsed !== undefined || key in input) output[key] = parsed;
    }
    return output as ObjectOf<F>;
  });
}
