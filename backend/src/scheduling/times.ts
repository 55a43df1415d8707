/** The public entry of the time-expression engine; its parts live in ./times/. */
export {
  type Direction,
  type Grain,
  type ParseTimeOptions,
  parseTimeExpressions,
  type TimeExpression,
} from './times/index.ts';
