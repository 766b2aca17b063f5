export { bool, hostPort, int, list, num, oneOf, port, str, url, type Parser } from './parsers.ts';
export {
  describeConfig,
  loadConfigOrExit,
  parseConfig,
  setting,
  type ConfigOf,
  type ConfigSpec,
  type CrossCheck,
  type Setting,
} from './parse-config.ts';
export { commonSettings, httpLimitSettings } from './common.ts';
export { duration, parseDuration, type Duration } from './duration.ts';
export { readYamlFile } from './yaml-file.ts';
