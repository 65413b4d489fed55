/** Scenarios 07–12 through the real check command: see scenario-suite.ts. */
import { SCENARIOS } from '../checker/course.ts';
import { describeScenarios } from './scenario-suite.ts';

describeScenarios(SCENARIOS.filter((scenario) => Number(scenario.number) > 6));
