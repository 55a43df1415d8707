/// <reference types="vite/client" />
import type { IsolationCase } from '../support/isolation.ts';
import { describeIsolation } from '../support/isolation.ts';

// Every file in isolation-cases/ exports one or more cases; a feature adds its own file there. The coverage
// check in describeIsolation fails when a /v1 route has no case.
// biome-ignore lint/suspicious/noExplicitAny: the cases differ in their handle type; each is type-checked in its own file
const modules = import.meta.glob<Record<string, IsolationCase<any>>>('./isolation-cases/*.ts', { eager: true });
const cases = Object.values(modules).flatMap((m) => Object.values(m));

describeIsolation('user isolation', cases);
