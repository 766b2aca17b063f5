import { describeConfig } from '@hark/config';
import { configSpec } from '../src/config.ts';

console.log(describeConfig(configSpec));
