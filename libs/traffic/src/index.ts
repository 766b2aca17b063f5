export { createRng, type Rng } from './rng.ts';
export { customersToCsv, generateCustomers, prospectHandle, type DemoCustomer } from './people.ts';
export {
  generateTraffic,
  type GenericPost,
  type Intent,
  type PostTruth,
  type Sentiment,
  type TrafficOptions,
} from './posts.ts';
