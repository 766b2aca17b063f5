export {
  defineService,
  type AddedFields,
  type Component,
  type Emit,
  type EventMap,
  type EventsOf,
  type HandlerResult,
  type Input,
  type OpenedRecord,
  type OutputDeclaration,
  type OutputWriter,
  type Outputs,
  type PersonalFields,
  type PersonalInput,
  type PlainInput,
  type ServiceDeclaration,
  type StageResult,
  type SetupContext,
  type Wiring,
  type Writers,
} from './declaration.ts';
export { createService, type RunningService, type ServiceOptions } from './create-service.ts';
export {
  bindOutput,
  encodeOutputs,
  type BoundOutput,
  type ExtendContext,
  type ExtensionPath,
  type TypedOutput,
} from './encode-outputs.ts';
export { isEntryPoint, runService } from './run-service.ts';
export {
  stageSettings,
  type StageConfig,
  type StageSettings,
  type StageSettingsOptions,
} from './settings.ts';
export { createStageHandler } from './stage-handler.ts';
export { declarationProblems } from './validate.ts';
