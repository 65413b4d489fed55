/** Every scenario through the real check command, in four files that run side by side (scenarioShard): this is the 2nd. See scenario-suite.ts. */
import { SCENARIOS } from '../checker/course.ts';
import { describeScenarios, scenarioShard } from './scenario-suite.ts';

describeScenarios(scenarioShard(SCENARIOS, 2, 4));
