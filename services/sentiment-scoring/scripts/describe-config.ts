/** Prints the configuration table for the README: `npm run config:doc -w @hark/sentiment-scoring`. */
import { describeConfig } from '@hark/config';
import { configSpec } from '../src/config.ts';

console.log(describeConfig(configSpec));
