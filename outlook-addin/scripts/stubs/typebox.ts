// Browser-bundle stand-in for `typebox`. The pane takes only constants and types from @steward/shared;
// the schemas in it are built with typebox at module load, which would cost ~21 KB gzipped of code the
// pane never runs (validation is the backend's job). Every schema call here returns an inert object.
const inert: object = new Proxy(function inertSchema() {}, {
  get: (_target, key) => (key === Symbol.toPrimitive ? () => '' : inert),
  apply: () => inert,
  construct: () => inert,
});

export const Type = inert;
export default inert;
