/** The dashboard's Pinia stores (small setup stores; heavy telemetry in shallowRef/markRaw). */
export { useSessionStore, type TaskProgress } from './session.js';
export { useDataStore, type DataSample, type PendingFile, type RecentEntry } from './data.js';
export { useModelStore, HIDDEN_ACTIVATIONS, OUTPUT_ACTIVATIONS, LOSS_KINDS, type HiddenLayer, type MatrixShape } from './model.js';
export { useTelemetryStore, matrixKey, type FlowHistory, type FrameEvent, type LossSeries } from './telemetry.js';
export { useStepperStore, operandsOf, type OperandRole } from './stepper.js';
export { useBreakpointsStore, defaultCondition, describeCondition, conditionProblem, marksOf, type BreakpointEntry, type BreakpointKind } from './breakpoints.js';
export { useHistoryStore } from './history.js';
export { useGradcheckStore } from './gradcheck.js';
export { useCompareStore, roleOf, opOf, type DroppedFile, type FileRole } from './compare.js';
export { useExportsStore, type ExportWhat } from './exports.js';
export { useErrorsStore, toAppError, type AppError } from './errors.js';
export { useUiStore, TABS, type Tab, type Theme } from './ui.js';
export { useModulesStore } from './modules.js';
