/**
 * Shared schemas carry `$id`s (good for OpenAPI and clients), but one schema nested in several routes would
 * then be registered twice in the validator. Routes get copies without any `$id`.
 */
export function withoutSchemaIds<T>(schema: T): T {
  if (Array.isArray(schema)) return schema.map((item) => withoutSchemaIds(item)) as T;
  if (schema === null || typeof schema !== 'object') return schema;
  const copy: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$id') continue;
    copy[key] = withoutSchemaIds(value);
  }
  return copy as T;
}
